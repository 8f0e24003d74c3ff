// REDUCER-SIGNATURE: {"detail": "", "failing_pass": "TritonToLinalg", "frames": ["triton-adapter-opt+0xaa6c55", "triton-adapter-opt+0xa4f497", "triton-adapter-opt+0xa55040", "triton-adapter-opt+0x1c65ae1", "triton-adapter-opt+0x1d4bff1"], "id": "68efaa9417cd", "message": "Casting.h:566: decltype(auto) llvm::cast(const From &) [To = mlir::RankedTensorType, From = mlir::Type]: Assertion `isa<To>(Val) && \"cast<Ty>() argument of incompatible type!\"' failed.", "options": {"compile_on_910_95": false, "enable_auto_bind_sub_block": true, "enable_linearize": false, "enable_nd2nz_on_vector": false, "enable_select_analysis": false, "force_simt_template": false, "multibuffer": true, "named_ops": true, "target": "Ascend910B3"}, "outcome": "assertion", "stage": "adapter", "strict_id": "04f178352981", "target": "Ascend910B3", "title": "triton-adapter-opt: assertion failure in TritonToLinalg: cast<Ty>() argument of incompatible type!", "tool_version": "LLVM 20.0.0git", "versions": {"ascendnpu-ir": "1.2.0", "triton-ascend": "3.2.0"}}
// REQUIRES: triton-adapter-opt
// RUN: not --crash triton-adapter-opt %s "--discrete-mask-access-conversion=compile-on-910-95=False force-simt-template=False" --triton-to-annotation "--triton-to-unstructure=compile-on-910-95=False force-simt-template=False" --triton-to-hivm --triton-to-hfusion --triton-to-llvm --bubble-up-operation "--triton-to-linalg=global-kernel=false named-ops=True enable-nd2nz-on-vector=False enable-select-analysis=False compile-on-910-95=False" -o %t 2>&1 | FileCheck %s
// CHECK: Assertion `isa<To>(Val) && "cast<Ty>() argument of incompatible type!"' failed.

tt.func public @branchy_scale(%arg0: !tt.ptr<f32>, %arg1: i32, %arg2: tensor<2xf32>) {
  %0 = tt.make_range {end = 2 : i32, start = 0 : i32} : tensor<2xi32>
  %1 = tt.splat %arg1 : i32 -> tensor<2xi32>
  %2 = arith.cmpi slt, %0, %1 : tensor<2xi32>
  %3 = tt.splat %arg0 : !tt.ptr<f32> -> tensor<2x!tt.ptr<f32>>
  %4 = tt.addptr %3, %0 : tensor<2x!tt.ptr<f32>>, tensor<2xi32>
  tt.store %4, %arg2, %2 : tensor<2x!tt.ptr<f32>>
  tt.return
}
