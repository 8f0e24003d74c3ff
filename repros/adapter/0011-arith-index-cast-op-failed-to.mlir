// REDUCER-SIGNATURE: {"detail": "", "failing_pass": "TritonToLinalg", "frames": [], "id": "cf238c63fd10", "message": "'arith.index_cast' op failed to verify that input and output have the same tensor dimensions", "options": {"compile_on_910_95": false, "enable_auto_bind_sub_block": true, "enable_linearize": false, "enable_nd2nz_on_vector": false, "enable_select_analysis": false, "force_simt_template": false, "multibuffer": true, "named_ops": true, "target": "Ascend910B3"}, "outcome": "diagnostic-error", "stage": "adapter", "strict_id": "493796638aa2", "target": "Ascend910B3", "title": "triton-adapter-opt: error diagnostic in TritonToLinalg: 'arith.index_cast' op failed to verify that input and output have the same tensor dimensions", "tool_version": "LLVM 20.0.0git", "versions": {"ascendnpu-ir": "1.2.0", "triton-ascend": "3.2.0"}}
// REQUIRES: triton-adapter-opt
// RUN: not triton-adapter-opt %s "--discrete-mask-access-conversion=compile-on-910-95=False force-simt-template=False" --triton-to-annotation "--triton-to-unstructure=compile-on-910-95=False force-simt-template=False" --triton-to-hivm --triton-to-hfusion --triton-to-llvm --bubble-up-operation "--triton-to-linalg=global-kernel=false named-ops=True enable-nd2nz-on-vector=False enable-select-analysis=False compile-on-910-95=False" -o %t 2>&1 | FileCheck %s
// CHECK: error: 'arith.index_cast' op failed to verify that input and output have the same tensor dimensions

tt.func public @write_addresses(%arg0: tensor<2x!tt.ptr<i64>>, %arg1: tensor<2x!tt.ptr<f32>>) {
  %0 = tt.ptr_to_int %arg1 : tensor<2x!tt.ptr<f32>> -> tensor<2xi64>
  tt.store %arg0, %0 : tensor<2x!tt.ptr<i64>>
  tt.return
}
