module {
  func.func @matmul_ub_overflow(%arg0: memref<?xi8>, %arg1: memref<?xi8>, %arg2: memref<?xf16> {tt.divisibility = 16 : i32, tt.tensor_kind = 0 : i32}, %arg3: memref<?xf16> {tt.divisibility = 16 : i32, tt.tensor_kind = 0 : i32}, %arg4: memref<?xf16> {tt.divisibility = 16 : i32, tt.tensor_kind = 1 : i32}, %arg5: i32 {tt.divisibility = 16 : i32}, %arg6: i32 {tt.divisibility = 16 : i32}, %arg7: i32 {tt.divisibility = 16 : i32}, %arg8: i32 {tt.divisibility = 16 : i32}, %arg9: i32 {tt.divisibility = 16 : i32}, %arg10: i32 {tt.divisibility = 16 : i32}, %arg11: f32, %arg12: i32, %arg13: i32, %arg14: i32, %arg15: i32, %arg16: i32, %arg17: i32) attributes {SyncBlockLockArgIdx = 0 : i64, WorkspaceArgIdx = 1 : i64, global_kernel = "local", mix_mode = "mix", parallel_mode = "simd"} {
    %c512 = arith.constant 512 : index
    %cst = arith.constant 0.000000e+00 : f16
    %c256 = arith.constant 256 : index
    %c256_i32 = arith.constant 256 : i32
    %c512_i32 = arith.constant 512 : i32
    %c0_i32 = arith.constant 0 : i32
    %cst_0 = arith.constant 0.000000e+00 : f32
    %0 = tensor.empty() : tensor<256x512xf32>
    %1 = linalg.fill ins(%cst_0 : f32) outs(%0 : tensor<256x512xf32>) -> tensor<256x512xf32>
    %2 = arith.muli %arg15, %c256_i32 : i32
    %3 = arith.muli %arg16, %c512_i32 : i32
    %4 = arith.index_cast %2 : i32 to index
    %5 = arith.index_cast %arg8 : i32 to index
    %6 = arith.muli %4, %5 : index
    %7 = scf.for %arg18 = %c0_i32 to %arg6 step %c256_i32 iter_args(%arg19 = %1) -> (tensor<256x512xf32>)  : i32 {
      %27 = arith.index_cast %arg18 : i32 to index
      %28 = arith.addi %6, %27 : index
      %reinterpret_cast_1 = memref.reinterpret_cast %arg2 to offset: [%28], sizes: [256, 256], strides: [%5, 1] : memref<?xf16> to memref<256x256xf16, strided<[?, 1], offset: ?>>
      %alloc = memref.alloc() : memref<256x256xf16>
      %29 = arith.addi %4, %c256 : index
      %30 = arith.index_cast %arg5 : i32 to index
      %31 = arith.maxsi %4, %30 : index
      %32 = arith.minsi %29, %31 : index
      %33 = arith.subi %32, %4 : index
      %34 = arith.addi %27, %c256 : index
      %35 = arith.index_cast %arg6 : i32 to index
      %36 = arith.maxsi %27, %35 : index
      %37 = arith.minsi %34, %36 : index
      %38 = arith.subi %37, %27 : index
      %39 = arith.minsi %33, %c256 : index
      %40 = arith.minsi %38, %c256 : index
      %41 = arith.cmpi slt, %39, %c256 : index
      %42 = arith.cmpi slt, %40, %c256 : index
      %43 = arith.ori %41, %42 : i1
      scf.if %43 {
        linalg.fill ins(%cst : f16) outs(%alloc : memref<256x256xf16>)
      } {hivm.unlikely_condition}
      %subview_2 = memref.subview %reinterpret_cast_1[0, 0] [%39, %40] [1, 1] : memref<256x256xf16, strided<[?, 1], offset: ?>> to memref<?x?xf16, strided<[?, 1], offset: ?>>
      %subview_3 = memref.subview %alloc[0, 0] [%39, %40] [1, 1] : memref<256x256xf16> to memref<?x?xf16, strided<[256, 1]>>
      memref.copy %subview_2, %subview_3 : memref<?x?xf16, strided<[?, 1], offset: ?>> to memref<?x?xf16, strided<[256, 1]>>
      %44 = bufferization.to_tensor %alloc restrict writable : memref<256x256xf16>
      %45 = arith.index_cast %arg9 : i32 to index
      %46 = arith.muli %27, %45 : index
      %47 = arith.index_cast %3 : i32 to index
      %48 = arith.addi %46, %47 : index
      %reinterpret_cast_4 = memref.reinterpret_cast %arg3 to offset: [%48], sizes: [256, 512], strides: [%45, 1] : memref<?xf16> to memref<256x512xf16, strided<[?, 1], offset: ?>>
      %alloc_5 = memref.alloc() : memref<256x512xf16>
      %49 = arith.addi %47, %c512 : index
      %50 = arith.index_cast %arg7 : i32 to index
      %51 = arith.maxsi %47, %50 : index
      %52 = arith.minsi %49, %51 : index
      %53 = arith.subi %52, %47 : index
      %54 = arith.minsi %53, %c512 : index
      %55 = arith.cmpi slt, %54, %c512 : index
      %56 = arith.ori %42, %55 : i1
      scf.if %56 {
        linalg.fill ins(%cst : f16) outs(%alloc_5 : memref<256x512xf16>)
      } {hivm.unlikely_condition}
      %subview_6 = memref.subview %reinterpret_cast_4[0, 0] [%40, %54] [1, 1] : memref<256x512xf16, strided<[?, 1], offset: ?>> to memref<?x?xf16, strided<[?, 1], offset: ?>>
      %subview_7 = memref.subview %alloc_5[0, 0] [%40, %54] [1, 1] : memref<256x512xf16> to memref<?x?xf16, strided<[512, 1]>>
      memref.copy %subview_6, %subview_7 : memref<?x?xf16, strided<[?, 1], offset: ?>> to memref<?x?xf16, strided<[512, 1]>>
      %57 = bufferization.to_tensor %alloc_5 restrict writable : memref<256x512xf16>
      %58 = linalg.matmul {input_precison = "ieee"} ins(%44, %57 : tensor<256x256xf16>, tensor<256x512xf16>) outs(%arg19 : tensor<256x512xf32>) -> tensor<256x512xf32>
      scf.yield %58 : tensor<256x512xf32>
    }
    %8 = linalg.fill ins(%arg11 : f32) outs(%0 : tensor<256x512xf32>) -> tensor<256x512xf32>
    %9 = arith.mulf %7, %8 : tensor<256x512xf32>
    %10 = arith.index_cast %arg10 : i32 to index
    %11 = arith.muli %4, %10 : index
    %12 = arith.index_cast %3 : i32 to index
    %13 = arith.addi %11, %12 : index
    %reinterpret_cast = memref.reinterpret_cast %arg4 to offset: [%13], sizes: [256, 512], strides: [%10, 1] : memref<?xf16> to memref<256x512xf16, strided<[?, 1], offset: ?>>
    %14 = arith.truncf %9 : tensor<256x512xf32> to tensor<256x512xf16>
    %15 = arith.addi %4, %c256 : index
    %16 = arith.index_cast %arg5 : i32 to index
    %17 = arith.maxsi %4, %16 : index
    %18 = arith.minsi %15, %17 : index
    %19 = arith.subi %18, %4 : index
    %20 = arith.addi %12, %c512 : index
    %21 = arith.index_cast %arg7 : i32 to index
    %22 = arith.maxsi %12, %21 : index
    %23 = arith.minsi %20, %22 : index
    %24 = arith.subi %23, %12 : index
    %25 = arith.minsi %19, %c256 : index
    %26 = arith.minsi %24, %c512 : index
    %extracted_slice = tensor.extract_slice %14[0, 0] [%25, %26] [1, 1] : tensor<256x512xf16> to tensor<?x?xf16>
    %subview = memref.subview %reinterpret_cast[0, 0] [%25, %26] [1, 1] : memref<256x512xf16, strided<[?, 1], offset: ?>> to memref<?x?xf16, strided<[?, 1], offset: ?>>
    bufferization.materialize_in_destination %extracted_slice in writable %subview : (tensor<?x?xf16>, memref<?x?xf16, strided<[?, 1], offset: ?>>) -> ()
    return
  }
}

