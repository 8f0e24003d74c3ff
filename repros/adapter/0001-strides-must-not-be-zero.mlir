// REDUCER-SIGNATURE: {"detail": "strides must not be zero", "failing_pass": "TritonToLinalg", "frames": ["triton-adapter-opt+0x1f288b1", "triton-adapter-opt+0x1f287df", "triton-adapter-opt+0xa8cd31", "triton-adapter-opt+0xa8e01d", "triton-adapter-opt+0xa95e8a"], "id": "29bc26900f9e", "message": "StorageUniquerSupport.h:180: static ConcreteT mlir::detail::StorageUserBase<mlir::StridedLayoutAttr, mlir::Attribute, mlir::detail::StridedLayoutAttrStorage, mlir::detail::AttributeUniquer, mlir::MemRefLayoutAttrInterface::Trait>::get(MLIRContext *, Args &&...) [ConcreteT = mlir::StridedLayoutAttr, BaseT = mlir::Attribute, StorageT = mlir::detail::StridedLayoutAttrStorage, UniquerT = mlir::detail::AttributeUniquer, Traits = <mlir::MemRefLayoutAttrInterface::Trait>, Args = <long, llvm::ArrayRef<long>>]: Assertion `succeeded( ConcreteT::verifyInvariants(getDefaultDiagnosticEmitFn(ctx), args...))' failed.", "outcome": "assertion", "stage": "adapter", "strict_id": "5d6982fda274", "target": "Ascend910B3", "title": "triton-adapter-opt: assertion failure in TritonToLinalg: strides must not be zero", "tool_version": "LLVM 20.0.0git", "versions": {"ascendnpu-ir": "1.2.0", "triton-ascend": "3.2.0"}}
// REQUIRES: triton-adapter-opt
// RUN: not --crash triton-adapter-opt %s "--discrete-mask-access-conversion=compile-on-910-95=False force-simt-template=False" --triton-to-annotation "--triton-to-unstructure=compile-on-910-95=False force-simt-template=False" --triton-to-hivm --triton-to-hfusion --triton-to-llvm --bubble-up-operation "--triton-to-linalg=global-kernel=false named-ops=True enable-nd2nz-on-vector=False enable-select-analysis=False compile-on-910-95=False" -o %t 2>&1 | FileCheck %s
// CHECK: strides must not be zero
// CHECK: Assertion `succeeded( ConcreteT::verifyInvariants(getDefaultDiagnosticEmitFn(ctx), args...))' failed.

tt.func public @repeat_row(%arg0: !tt.ptr<f32>, %arg1: i32, %arg2: tensor<2x2xf32>) {
  %c0_i64 = arith.constant 0 : i64
  %0 = tt.make_tensor_ptr %arg0, [%c0_i64, %c0_i64], [%c0_i64, %c0_i64], [%arg1, %arg1] {order = array<i32: 1, 0>} : <tensor<2x2xf32>>
  tt.store %0, %arg2 {boundaryCheck = array<i32: 0, 1>} : !tt.ptr<tensor<2x2xf32>>
  tt.return
}
