// REDUCER-SIGNATURE: {"detail": "invalid memref element type", "failing_pass": "TritonToLinalg", "frames": ["triton-adapter-opt+0x1f670a7", "triton-adapter-opt+0x1f66fae", "triton-adapter-opt+0xa18a6b", "triton-adapter-opt+0x1c6137d", "triton-adapter-opt+0x1c7892d"], "id": "6f6f8a17b23e", "message": "StorageUniquerSupport.h:180: static ConcreteT mlir::detail::StorageUserBase<mlir::MemRefType, mlir::BaseMemRefType, mlir::detail::MemRefTypeStorage, mlir::detail::TypeUniquer, mlir::ShapedType::Trait>::get(MLIRContext *, Args &&...) [ConcreteT = mlir::MemRefType, BaseT = mlir::BaseMemRefType, StorageT = mlir::detail::MemRefTypeStorage, UniquerT = mlir::detail::TypeUniquer, Traits = <mlir::ShapedType::Trait>, Args = <llvm::ArrayRef<long> &, mlir::Type &, mlir::MemRefLayoutAttrInterface &, mlir::Attribute &>]: Assertion `succeeded( ConcreteT::verifyInvariants(getDefaultDiagnosticEmitFn(ctx), args...))' failed.", "outcome": "assertion", "stage": "adapter", "strict_id": "3dec8435f8e7", "target": "Ascend910B3", "title": "triton-adapter-opt: assertion failure in TritonToLinalg: invalid memref element type", "tool_version": "LLVM 20.0.0git", "versions": {"ascendnpu-ir": "1.2.0", "triton-ascend": "3.2.0"}}
// REQUIRES: triton-adapter-opt
// RUN: not --crash triton-adapter-opt %s "--discrete-mask-access-conversion=compile-on-910-95=False force-simt-template=False" --triton-to-annotation "--triton-to-unstructure=compile-on-910-95=False force-simt-template=False" --triton-to-hivm --triton-to-hfusion --triton-to-llvm --bubble-up-operation "--triton-to-linalg=global-kernel=false named-ops=True enable-nd2nz-on-vector=False enable-select-analysis=False compile-on-910-95=False" -o %t 2>&1 | FileCheck %s
// CHECK: invalid memref element type
// CHECK: Assertion `succeeded( ConcreteT::verifyInvariants(getDefaultDiagnosticEmitFn(ctx), args...))' failed.

module {
  tt.func public @bump_in_place(%arg0: !tt.ptr<!tt.ptr<f32>>) {
    tt.return
  }
}

