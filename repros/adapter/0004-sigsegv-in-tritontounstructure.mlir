// REDUCER-SIGNATURE: {"detail": "SIGSEGV", "failing_pass": "TritonToUnstructure", "frames": ["triton-adapter-opt+0xc57d83", "triton-adapter-opt+0xc57f24", "triton-adapter-opt+0xab2736", "triton-adapter-opt+0xb6b310", "triton-adapter-opt+0xb6630a"], "id": "af45e19eda7c", "message": "", "options": {"compile_on_910_95": false, "enable_auto_bind_sub_block": true, "enable_linearize": false, "enable_nd2nz_on_vector": false, "enable_select_analysis": false, "force_simt_template": false, "multibuffer": true, "named_ops": true, "target": "Ascend910B3"}, "outcome": "signal", "stage": "adapter", "strict_id": "4943d62f2936", "target": "Ascend910B3", "title": "triton-adapter-opt: killed by a signal in TritonToUnstructure: SIGSEGV", "tool_version": "LLVM 20.0.0git", "versions": {"ascendnpu-ir": "1.2.0", "triton-ascend": "3.2.0"}}
// REQUIRES: triton-adapter-opt
// RUN: not --crash triton-adapter-opt %s "--discrete-mask-access-conversion=compile-on-910-95=False force-simt-template=False" --triton-to-annotation "--triton-to-unstructure=compile-on-910-95=False force-simt-template=False" --triton-to-hivm --triton-to-hfusion --triton-to-llvm --bubble-up-operation "--triton-to-linalg=global-kernel=false named-ops=True enable-nd2nz-on-vector=False enable-select-analysis=False compile-on-910-95=False" -o %t 2>&1 | FileCheck %s
// CHECK: Stack dump:
// RUN: not triton-adapter-opt %s "--discrete-mask-access-conversion=compile-on-910-95=False force-simt-template=False" --triton-to-annotation "--triton-to-unstructure=compile-on-910-95=False force-simt-template=False" --triton-to-hivm --triton-to-hfusion --triton-to-llvm --bubble-up-operation "--triton-to-linalg=global-kernel=false named-ops=True enable-nd2nz-on-vector=False enable-select-analysis=False compile-on-910-95=False" --mlir-pass-pipeline-crash-reproducer=%t.reproducer -o %t 2>&1 | FileCheck %s --check-prefix=PINNED
// PINNED: Pipeline failed while executing [`TritonToUnstructure`

tt.func public @gather_rows_from_tensors(%arg0: tensor<2x2xi32>, %arg1: tensor<2x2x!tt.ptr<f16>>, %arg2: tensor<2x2xf16>) {
  %0 = tt.addptr %arg1, %arg0 : tensor<2x2x!tt.ptr<f16>>, tensor<2x2xi32>
  tt.store %0, %arg2 : tensor<2x2x!tt.ptr<f16>>
  tt.return
}
