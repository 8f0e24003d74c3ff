// REDUCER-SIGNATURE: {"detail": "failed to legalize unresolved materialization from ('memref<2xf32>') to 'tensor<2xf32>' that remained live after conversion", "failing_pass": "TritonToLinalg", "frames": ["triton-adapter-opt+0x1f216f0", "triton-adapter-opt+0x1f2188d", "triton-adapter-opt+0xa1b60a", "triton-adapter-opt+0xa1f54e", "triton-adapter-opt+0xa136c9"], "id": "74852a22fee2", "message": "UseDefLists.h:198: mlir::IRObjectWithUseList<mlir::OpOperand>::~IRObjectWithUseList() [OperandType = mlir::OpOperand]: Assertion `use_empty() && \"Cannot destroy a value that still has uses!\"' failed.", "options": {"compile_on_910_95": false, "enable_auto_bind_sub_block": true, "enable_linearize": false, "enable_nd2nz_on_vector": false, "enable_select_analysis": false, "force_simt_template": false, "multibuffer": true, "named_ops": true, "target": "Ascend910B3"}, "outcome": "assertion", "stage": "adapter", "strict_id": "163a371815ae", "target": "Ascend910B3", "title": "triton-adapter-opt: assertion failure in TritonToLinalg: Cannot destroy a value that still has uses!", "tool_version": "LLVM 20.0.0git", "versions": {"ascendnpu-ir": "1.2.0", "triton-ascend": "3.2.0"}}
// REQUIRES: triton-adapter-opt
// RUN: not --crash triton-adapter-opt %s "--discrete-mask-access-conversion=compile-on-910-95=False force-simt-template=False" --triton-to-annotation "--triton-to-unstructure=compile-on-910-95=False force-simt-template=False" --triton-to-hivm --triton-to-hfusion --triton-to-llvm --bubble-up-operation "--triton-to-linalg=global-kernel=false named-ops=True enable-nd2nz-on-vector=False enable-select-analysis=False compile-on-910-95=False" -o %t 2>&1 | FileCheck %s
// CHECK: Assertion `use_empty() && "Cannot destroy a value that still has uses!"' failed.

tt.func public @maybe_bump(%arg0: i1, %arg1: tensor<2xf32>, %arg2: tensor<2x!tt.ptr<f32>>) {
  cf.cond_br %arg0, ^bb1, ^bb2(%arg1 : tensor<2xf32>)
^bb1:  // pred: ^bb0
  %0 = arith.addf %arg1, %arg1 : tensor<2xf32>
  cf.br ^bb2(%0 : tensor<2xf32>)
^bb2(%1: tensor<2xf32>):  // 2 preds: ^bb0, ^bb1
  tt.store %arg2, %1 : tensor<2x!tt.ptr<f32>>
  tt.return
}
