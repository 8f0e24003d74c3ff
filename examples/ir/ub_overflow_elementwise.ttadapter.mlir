module {
  func.func @fused_elementwise(%arg0: memref<?xi8>, %arg1: memref<?xi8>, %arg2: memref<?xf32> {tt.tensor_kind = 0 : i32}, %arg3: memref<?xf32> {tt.tensor_kind = 0 : i32}, %arg4: memref<?xf32> {tt.tensor_kind = 0 : i32}, %arg5: memref<?xf32> {tt.tensor_kind = 0 : i32}, %arg6: memref<?xf32> {tt.tensor_kind = 1 : i32}, %arg7: i32, %arg8: i32, %arg9: i32, %arg10: i32, %arg11: i32, %arg12: i32, %arg13: i32) attributes {SyncBlockLockArgIdx = 0 : i64, WorkspaceArgIdx = 1 : i64, global_kernel = "local", mix_mode = "aiv", parallel_mode = "simd"} {
    %cst = arith.constant 0.000000e+00 : f32
    %c65536 = arith.constant 65536 : index
    %c65536_i32 = arith.constant 65536 : i32
    %cst_0 = arith.constant 1.000000e+00 : f32
    %cst_1 = arith.constant 2.000000e+00 : f32
    %0 = tensor.empty() : tensor<65536xf32>
    %1 = linalg.fill ins(%cst_1 : f32) outs(%0 : tensor<65536xf32>) -> tensor<65536xf32>
    %2 = linalg.fill ins(%cst_0 : f32) outs(%0 : tensor<65536xf32>) -> tensor<65536xf32>
    %3 = arith.muli %arg11, %c65536_i32 : i32
    %4 = arith.index_cast %3 : i32 to index
    %reinterpret_cast = memref.reinterpret_cast %arg2 to offset: [%4], sizes: [65536], strides: [1] : memref<?xf32> to memref<65536xf32, strided<[1], offset: ?>>
    %alloc = memref.alloc() : memref<65536xf32>
    %5 = arith.addi %4, %c65536 : index
    %6 = arith.index_cast %arg7 : i32 to index
    %7 = arith.maxsi %4, %6 : index
    %8 = arith.minsi %5, %7 : index
    %9 = arith.subi %8, %4 : index
    %10 = arith.cmpi slt, %9, %c65536 : index
    scf.if %10 {
      linalg.fill ins(%cst : f32) outs(%alloc : memref<65536xf32>)
    } {hivm.unlikely_condition}
    %subview = memref.subview %reinterpret_cast[0] [%9] [1] : memref<65536xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
    %subview_2 = memref.subview %alloc[0] [%9] [1] : memref<65536xf32> to memref<?xf32, strided<[1]>>
    memref.copy %subview, %subview_2 : memref<?xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1]>>
    %11 = bufferization.to_tensor %alloc restrict writable : memref<65536xf32>
    %reinterpret_cast_3 = memref.reinterpret_cast %arg3 to offset: [%4], sizes: [65536], strides: [1] : memref<?xf32> to memref<65536xf32, strided<[1], offset: ?>>
    %alloc_4 = memref.alloc() : memref<65536xf32>
    scf.if %10 {
      linalg.fill ins(%cst : f32) outs(%alloc_4 : memref<65536xf32>)
    } {hivm.unlikely_condition}
    %subview_5 = memref.subview %reinterpret_cast_3[0] [%9] [1] : memref<65536xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
    %subview_6 = memref.subview %alloc_4[0] [%9] [1] : memref<65536xf32> to memref<?xf32, strided<[1]>>
    memref.copy %subview_5, %subview_6 : memref<?xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1]>>
    %12 = bufferization.to_tensor %alloc_4 restrict writable : memref<65536xf32>
    %reinterpret_cast_7 = memref.reinterpret_cast %arg4 to offset: [%4], sizes: [65536], strides: [1] : memref<?xf32> to memref<65536xf32, strided<[1], offset: ?>>
    %alloc_8 = memref.alloc() : memref<65536xf32>
    scf.if %10 {
      linalg.fill ins(%cst : f32) outs(%alloc_8 : memref<65536xf32>)
    } {hivm.unlikely_condition}
    %subview_9 = memref.subview %reinterpret_cast_7[0] [%9] [1] : memref<65536xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
    %subview_10 = memref.subview %alloc_8[0] [%9] [1] : memref<65536xf32> to memref<?xf32, strided<[1]>>
    memref.copy %subview_9, %subview_10 : memref<?xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1]>>
    %13 = bufferization.to_tensor %alloc_8 restrict writable : memref<65536xf32>
    %reinterpret_cast_11 = memref.reinterpret_cast %arg5 to offset: [%4], sizes: [65536], strides: [1] : memref<?xf32> to memref<65536xf32, strided<[1], offset: ?>>
    %alloc_12 = memref.alloc() : memref<65536xf32>
    scf.if %10 {
      linalg.fill ins(%cst_0 : f32) outs(%alloc_12 : memref<65536xf32>)
    } {hivm.unlikely_condition}
    %subview_13 = memref.subview %reinterpret_cast_11[0] [%9] [1] : memref<65536xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
    %subview_14 = memref.subview %alloc_12[0] [%9] [1] : memref<65536xf32> to memref<?xf32, strided<[1]>>
    memref.copy %subview_13, %subview_14 : memref<?xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1]>>
    %14 = bufferization.to_tensor %alloc_12 restrict writable : memref<65536xf32>
    %15 = math.exp %11 : tensor<65536xf32>
    %16 = arith.mulf %15, %12 : tensor<65536xf32>
    %17 = arith.mulf %13, %13 : tensor<65536xf32>
    %18 = arith.addf %17, %2 : tensor<65536xf32>
    %19 = math.sqrt %18 : tensor<65536xf32>
    %20 = arith.addf %14, %1 : tensor<65536xf32>
    %21 = arith.divf %19, %20 : tensor<65536xf32>
    %22 = arith.addf %16, %21 : tensor<65536xf32>
    %23 = arith.mulf %11, %14 : tensor<65536xf32>
    %24 = arith.addf %22, %23 : tensor<65536xf32>
    %reinterpret_cast_15 = memref.reinterpret_cast %arg6 to offset: [%4], sizes: [65536], strides: [1] : memref<?xf32> to memref<65536xf32, strided<[1], offset: ?>>
    %extracted_slice = tensor.extract_slice %24[0] [%9] [1] : tensor<65536xf32> to tensor<?xf32>
    %subview_16 = memref.subview %reinterpret_cast_15[0] [%9] [1] : memref<65536xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
    bufferization.materialize_in_destination %extracted_slice in writable %subview_16 : (tensor<?xf32>, memref<?xf32, strided<[1], offset: ?>>) -> ()
    return
  }
}

