module {
  func.func @row_sum(%arg0: memref<?xi8>, %arg1: memref<?xi8>, %arg2: memref<?xf32> {tt.tensor_kind = 0 : i32}, %arg3: memref<?xf32> {tt.tensor_kind = 1 : i32}, %arg4: i32, %arg5: i32, %arg6: i32, %arg7: i32, %arg8: i32, %arg9: i32, %arg10: i32, %arg11: i32, %arg12: i32) attributes {SyncBlockLockArgIdx = 0 : i64, WorkspaceArgIdx = 1 : i64, global_kernel = "local", mix_mode = "aiv", parallel_mode = "simd"} {
    %c64 = arith.constant 64 : index
    %c16 = arith.constant 16 : index
    %c16_i32 = arith.constant 16 : i32
    %c0_i32 = arith.constant 0 : i32
    %c64_i32 = arith.constant 64 : i32
    %cst = arith.constant 0.000000e+00 : f32
    %0 = tensor.empty() : tensor<16xf32>
    %1 = linalg.fill ins(%cst : f32) outs(%0 : tensor<16xf32>) -> tensor<16xf32>
    %2 = arith.muli %arg10, %c16_i32 : i32
    %3 = arith.index_cast %2 : i32 to index
    %4 = arith.index_cast %arg6 : i32 to index
    %5 = arith.muli %3, %4 : index
    %6 = scf.for %arg13 = %c0_i32 to %arg5 step %c64_i32 iter_args(%arg14 = %1) -> (tensor<16xf32>)  : i32 {
      %12 = arith.index_cast %arg13 : i32 to index
      %13 = arith.addi %5, %12 : index
      %reinterpret_cast_0 = memref.reinterpret_cast %arg2 to offset: [%13], sizes: [16, 64], strides: [%4, 1] : memref<?xf32> to memref<16x64xf32, strided<[?, 1], offset: ?>>
      %alloc = memref.alloc() : memref<16x64xf32>
      %14 = arith.addi %3, %c16 : index
      %15 = arith.index_cast %arg4 : i32 to index
      %16 = arith.maxsi %3, %15 : index
      %17 = arith.minsi %14, %16 : index
      %18 = arith.subi %17, %3 : index
      %19 = arith.addi %12, %c64 : index
      %20 = arith.index_cast %arg5 : i32 to index
      %21 = arith.maxsi %12, %20 : index
      %22 = arith.minsi %19, %21 : index
      %23 = arith.subi %22, %12 : index
      %24 = arith.minsi %18, %c16 : index
      %25 = arith.minsi %23, %c64 : index
      %26 = arith.cmpi slt, %24, %c16 : index
      %27 = arith.cmpi slt, %25, %c64 : index
      %28 = arith.ori %26, %27 : i1
      scf.if %28 {
        linalg.fill ins(%cst : f32) outs(%alloc : memref<16x64xf32>)
      } {hivm.unlikely_condition}
      %subview_1 = memref.subview %reinterpret_cast_0[0, 0] [%24, %25] [1, 1] : memref<16x64xf32, strided<[?, 1], offset: ?>> to memref<?x?xf32, strided<[?, 1], offset: ?>>
      %subview_2 = memref.subview %alloc[0, 0] [%24, %25] [1, 1] : memref<16x64xf32> to memref<?x?xf32, strided<[64, 1]>>
      memref.copy %subview_1, %subview_2 : memref<?x?xf32, strided<[?, 1], offset: ?>> to memref<?x?xf32, strided<[64, 1]>>
      %29 = bufferization.to_tensor %alloc restrict writable : memref<16x64xf32>
      %reduced = linalg.reduce ins(%29 : tensor<16x64xf32>) outs(%1 : tensor<16xf32>) dimensions = [1] 
        (%in: f32, %init: f32) {
          %31 = arith.addf %in, %init : f32
          linalg.yield %31 : f32
        }
      %30 = arith.addf %arg14, %reduced : tensor<16xf32>
      scf.yield %30 : tensor<16xf32>
    }
    %reinterpret_cast = memref.reinterpret_cast %arg3 to offset: [%3], sizes: [16], strides: [1] : memref<?xf32> to memref<16xf32, strided<[1], offset: ?>>
    %7 = arith.addi %3, %c16 : index
    %8 = arith.index_cast %arg4 : i32 to index
    %9 = arith.maxsi %3, %8 : index
    %10 = arith.minsi %7, %9 : index
    %11 = arith.subi %10, %3 : index
    %extracted_slice = tensor.extract_slice %6[0] [%11] [1] : tensor<16xf32> to tensor<?xf32>
    %subview = memref.subview %reinterpret_cast[0] [%11] [1] : memref<16xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
    bufferization.materialize_in_destination %extracted_slice in writable %subview : (tensor<?xf32>, memref<?xf32, strided<[1], offset: ?>>) -> ()
    return
  }
}

