// REDUCER-SIGNATURE: {"detail": "", "failing_pass": "TritonToLinalg", "frames": [], "id": "240a48208eab", "message": "failed to legalize unresolved materialization from ('memref<256xf32>') to 'tensor<256xf32>' that remained live after conversion", "outcome": "diagnostic-error", "stage": "adapter", "strict_id": "fa3ff436c9d9", "target": "Ascend910B3", "title": "triton-adapter-opt: error diagnostic in TritonToLinalg: failed to legalize unresolved materialization from ('memref<256xf32>') to 'tensor<256xf32>' that remained liv\u2026", "tool_version": "LLVM 20.0.0git", "versions": {"ascendnpu-ir": "1.2.0", "triton-ascend": "3.2.0"}}
// REQUIRES: triton-adapter-opt
// RUN: not triton-adapter-opt %s "--discrete-mask-access-conversion=compile-on-910-95=False force-simt-template=False" --triton-to-annotation "--triton-to-unstructure=compile-on-910-95=False force-simt-template=False" --triton-to-hivm --triton-to-hfusion --triton-to-llvm --bubble-up-operation "--triton-to-linalg=global-kernel=false named-ops=True enable-nd2nz-on-vector=False enable-select-analysis=False compile-on-910-95=False" -o %t 2>&1 | FileCheck %s
// CHECK: error: failed to legalize unresolved materialization from ('memref<256xf32>') to 'tensor<256xf32>' that remained live after conversion

tt.func private @_scale_or_shift__fp32S256S_i32__(%arg0: tensor<256xf32>) -> tensor<256xf32> {
  tt.return %arg0 : tensor<256xf32>
}
