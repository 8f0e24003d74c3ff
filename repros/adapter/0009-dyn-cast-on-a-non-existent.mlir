// REDUCER-SIGNATURE: {"detail": "", "failing_pass": "TritonToUnstructure", "frames": ["triton-adapter-opt+0x1fbd6ee", "triton-adapter-opt+0xb56c49", "triton-adapter-opt+0x1d4bff1", "triton-adapter-opt+0x1d489bb", "triton-adapter-opt+0x1c7cbff"], "id": "6ce761112da4", "message": "Casting.h:650: decltype(auto) llvm::dyn_cast(const From &) [To = mlir::OpResult, From = mlir::Value]: Assertion `detail::isPresent(Val) && \"dyn_cast on a non-existent value\"' failed.", "options": {"compile_on_910_95": false, "enable_auto_bind_sub_block": true, "enable_linearize": false, "enable_nd2nz_on_vector": false, "enable_select_analysis": false, "force_simt_template": false, "multibuffer": true, "named_ops": true, "target": "Ascend910B3"}, "outcome": "assertion", "stage": "adapter", "strict_id": "331d7762e2ac", "target": "Ascend910B3", "title": "triton-adapter-opt: assertion failure in TritonToUnstructure: dyn_cast on a non-existent value", "tool_version": "LLVM 20.0.0git", "versions": {"ascendnpu-ir": "1.2.0", "triton-ascend": "3.2.0"}}
// REQUIRES: triton-adapter-opt
// RUN: not --crash triton-adapter-opt %s "--discrete-mask-access-conversion=compile-on-910-95=False force-simt-template=False" --triton-to-annotation "--triton-to-unstructure=compile-on-910-95=False force-simt-template=False" --triton-to-hivm --triton-to-hfusion --triton-to-llvm --bubble-up-operation "--triton-to-linalg=global-kernel=false named-ops=True enable-nd2nz-on-vector=False enable-select-analysis=False compile-on-910-95=False" -o %t 2>&1 | FileCheck %s
// CHECK: Assertion `detail::isPresent(Val) && "dyn_cast on a non-existent value"' failed.

tt.func public @concat_by_pointer_select(%arg0: !tt.ptr<f32>, %arg1: tensor<2xi1>, %arg2: tensor<2xf32>) {
  %0 = tt.make_range {end = 2 : i32, start = 0 : i32} : tensor<2xi32>
  %1 = tt.splat %arg0 : !tt.ptr<f32> -> tensor<2x!tt.ptr<f32>>
  %2 = tt.addptr %1, %0 : tensor<2x!tt.ptr<f32>>, tensor<2xi32>
  %3 = arith.select %arg1, %1, %2 : tensor<2xi1>, tensor<2x!tt.ptr<f32>>
  tt.store %3, %arg2 : tensor<2x!tt.ptr<f32>>
  tt.return
}
