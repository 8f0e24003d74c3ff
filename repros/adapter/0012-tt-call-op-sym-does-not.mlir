// REDUCER-SIGNATURE: {"detail": "", "failing_pass": "TritonToLinalg", "frames": [], "id": "e0944d600f49", "message": "'tt.call' op '<sym>' does not reference a valid function", "options": {"compile_on_910_95": false, "enable_auto_bind_sub_block": true, "enable_linearize": false, "enable_nd2nz_on_vector": false, "enable_select_analysis": false, "force_simt_template": false, "multibuffer": true, "named_ops": true, "target": "Ascend910B3"}, "outcome": "diagnostic-error", "stage": "adapter", "strict_id": "abca61c6458e", "target": "Ascend910B3", "title": "triton-adapter-opt: error diagnostic in TritonToLinalg: 'tt.call' op '<sym>' does not reference a valid function", "tool_version": "LLVM 20.0.0git", "versions": {"ascendnpu-ir": "1.2.0", "triton-ascend": "3.2.0"}}
// REQUIRES: triton-adapter-opt
// RUN: not triton-adapter-opt %s "--discrete-mask-access-conversion=compile-on-910-95=False force-simt-template=False" --triton-to-annotation "--triton-to-unstructure=compile-on-910-95=False force-simt-template=False" --triton-to-hivm --triton-to-hfusion --triton-to-llvm --bubble-up-operation "--triton-to-linalg=global-kernel=false named-ops=True enable-nd2nz-on-vector=False enable-select-analysis=False compile-on-910-95=False" -o %t 2>&1 | FileCheck %s
// CHECK: error: 'tt.call' op '{{.*}}' does not reference a valid function

tt.func public @scale_by_flag() {
  tt.call @_pick_scale__i32__() : () -> ()
  tt.return
}
tt.func private @_pick_scale__i32__() {
  tt.return
}
