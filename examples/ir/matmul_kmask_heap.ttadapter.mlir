module {
  func.func @matmul_kmask(%arg0: memref<?xi8>, %arg1: memref<?xi8>, %arg2: memref<?xf16> {tt.tensor_kind = 0 : i32}, %arg3: memref<?xf16> {tt.tensor_kind = 0 : i32}, %arg4: memref<?xf16> {tt.tensor_kind = 1 : i32}, %arg5: i32, %arg6: i32, %arg7: i32, %arg8: i32, %arg9: i32, %arg10: i32, %arg11: i32, %arg12: i32, %arg13: i32, %arg14: i32, %arg15: i32, %arg16: i32, %arg17: i32, %arg18: i32, %arg19: i32) attributes {SyncBlockLockArgIdx = 0 : i64, WorkspaceArgIdx = 1 : i64, global_kernel = "local", mix_mode = "mix", parallel_mode = "simd"} {
    %c256 = arith.constant 256 : index
    %c128 = arith.constant 128 : index
    %cst = arith.constant 0.000000e+00 : f16
    %c64 = arith.constant 64 : index
    %c0 = arith.constant 0 : index
    %c256_i32 = arith.constant 256 : i32
    %c128_i32 = arith.constant 128 : i32
    %c64_i32 = arith.constant 64 : i32
    %c1_i32 = arith.constant 1 : i32
    %c0_i32 = arith.constant 0 : i32
    %c63_i32 = arith.constant 63 : i32
    %c255_i32 = arith.constant 255 : i32
    %cst_0 = arith.constant 0.000000e+00 : f32
    %0 = tensor.empty() : tensor<128x256xf32>
    %1 = linalg.fill ins(%cst_0 : f32) outs(%0 : tensor<128x256xf32>) -> tensor<128x256xf32>
    %2 = arith.addi %arg6, %c255_i32 : i32
    %3 = arith.divsi %2, %c256_i32 : i32
    %4 = arith.divsi %arg17, %3 : i32
    %5 = arith.remsi %arg17, %3 : i32
    %6 = arith.muli %4, %c128_i32 : i32
    %7 = arith.muli %5, %c256_i32 : i32
    %8 = arith.addi %arg7, %c63_i32 : i32
    %9 = arith.divsi %8, %c64_i32 : i32
    %10 = arith.muli %arg9, %c64_i32 : i32
    %11 = arith.muli %arg10, %c64_i32 : i32
    %12 = arith.index_cast %6 : i32 to index
    %13 = arith.index_cast %arg8 : i32 to index
    %14 = arith.muli %12, %13 : index
    %15 = arith.index_cast %arg9 : i32 to index
    %16 = arith.index_cast %arg10 : i32 to index
    %17 = arith.index_cast %7 : i32 to index
    %18 = arith.index_cast %arg11 : i32 to index
    %19 = arith.muli %17, %18 : index
    %20:3 = scf.for %arg20 = %c0_i32 to %9 step %c1_i32 iter_args(%arg21 = %1, %arg22 = %14, %arg23 = %c0) -> (tensor<128x256xf32>, index, index)  : i32 {
      %39 = arith.addi %arg23, %19 : index
      %reinterpret_cast_1 = memref.reinterpret_cast %arg3 to offset: [%39], sizes: [64, 256], strides: [%16, %18] : memref<?xf16> to memref<64x256xf16, strided<[?, ?], offset: ?>>
      %reinterpret_cast_2 = memref.reinterpret_cast %arg2 to offset: [%arg22], sizes: [128, 64], strides: [%13, %15] : memref<?xf16> to memref<128x64xf16, strided<[?, ?], offset: ?>>
      %40 = arith.muli %arg20, %c64_i32 : i32
      %41 = arith.subi %arg7, %40 : i32
      %alloc = memref.alloc() : memref<128x64xf16>
      %42 = arith.index_cast %41 : i32 to index
      %43 = arith.maxsi %42, %c0 : index
      %44 = arith.minsi %43, %c64 : index
      %45 = arith.cmpi slt, %44, %c64 : index
      scf.if %45 {
        linalg.fill ins(%cst : f16) outs(%alloc : memref<128x64xf16>)
      } {hivm.unlikely_condition}
      %subview_3 = memref.subview %reinterpret_cast_2[0, 0] [128, %44] [1, 1] : memref<128x64xf16, strided<[?, ?], offset: ?>> to memref<128x?xf16, strided<[?, ?], offset: ?>>
      %subview_4 = memref.subview %alloc[0, 0] [128, %44] [1, 1] : memref<128x64xf16> to memref<128x?xf16, strided<[64, 1]>>
      memref.copy %subview_3, %subview_4 : memref<128x?xf16, strided<[?, ?], offset: ?>> to memref<128x?xf16, strided<[64, 1]>>
      annotation.mark %alloc {MayImplicitTransposeWithLastAxis} : memref<128x64xf16>
      %46 = bufferization.to_tensor %alloc restrict writable : memref<128x64xf16>
      annotation.mark %46 {MayImplicitTransposeWithLastAxis} : tensor<128x64xf16>
      %alloc_5 = memref.alloc() : memref<64x256xf16>
      scf.if %45 {
        linalg.fill ins(%cst : f16) outs(%alloc_5 : memref<64x256xf16>)
      } {hivm.unlikely_condition}
      %subview_6 = memref.subview %reinterpret_cast_1[0, 0] [%44, 256] [1, 1] : memref<64x256xf16, strided<[?, ?], offset: ?>> to memref<?x256xf16, strided<[?, ?], offset: ?>>
      %subview_7 = memref.subview %alloc_5[0, 0] [%44, 256] [1, 1] : memref<64x256xf16> to memref<?x256xf16, strided<[256, 1]>>
      memref.copy %subview_6, %subview_7 : memref<?x256xf16, strided<[?, ?], offset: ?>> to memref<?x256xf16, strided<[256, 1]>>
      annotation.mark %alloc_5 {MayImplicitTransposeWithLastAxis} : memref<64x256xf16>
      %47 = bufferization.to_tensor %alloc_5 restrict writable : memref<64x256xf16>
      annotation.mark %47 {MayImplicitTransposeWithLastAxis} : tensor<64x256xf16>
      %48 = linalg.matmul {input_precison = "ieee"} ins(%46, %47 : tensor<128x64xf16>, tensor<64x256xf16>) outs(%arg21 : tensor<128x256xf32>) -> tensor<128x256xf32>
      %49 = arith.index_cast %10 : i32 to index
      %50 = arith.addi %arg22, %49 : index
      %51 = arith.index_cast %11 : i32 to index
      %52 = arith.addi %arg23, %51 : index
      scf.yield %48, %50, %52 : tensor<128x256xf32>, index, index
    }
    %21 = arith.truncf %20#0 : tensor<128x256xf32> to tensor<128x256xf16>
    %22 = arith.index_cast %arg12 : i32 to index
    %23 = arith.muli %12, %22 : index
    %24 = arith.index_cast %arg13 : i32 to index
    %25 = arith.muli %17, %24 : index
    %26 = arith.addi %23, %25 : index
    %reinterpret_cast = memref.reinterpret_cast %arg4 to offset: [%26], sizes: [128, 256], strides: [%22, %24] : memref<?xf16> to memref<128x256xf16, strided<[?, ?], offset: ?>>
    %27 = arith.addi %12, %c128 : index
    %28 = arith.index_cast %arg5 : i32 to index
    %29 = arith.maxsi %12, %28 : index
    %30 = arith.minsi %27, %29 : index
    %31 = arith.subi %30, %12 : index
    %32 = arith.addi %17, %c256 : index
    %33 = arith.index_cast %arg6 : i32 to index
    %34 = arith.maxsi %17, %33 : index
    %35 = arith.minsi %32, %34 : index
    %36 = arith.subi %35, %17 : index
    %37 = arith.minsi %31, %c128 : index
    %38 = arith.minsi %36, %c256 : index
    %extracted_slice = tensor.extract_slice %21[0, 0] [%37, %38] [1, 1] : tensor<128x256xf16> to tensor<?x?xf16>
    %subview = memref.subview %reinterpret_cast[0, 0] [%37, %38] [1, 1] : memref<128x256xf16, strided<[?, ?], offset: ?>> to memref<?x?xf16, strided<[?, ?], offset: ?>>
    bufferization.materialize_in_destination %extracted_slice in writable %subview : (tensor<?x?xf16>, memref<?x?xf16, strided<[?, ?], offset: ?>>) -> ()
    return
  }
}

