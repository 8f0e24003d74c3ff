#map = affine_map<(d0) -> (d0)>
module {
  func.func @paged_attention_cc_overflow(%arg0: memref<?xi8>, %arg1: memref<?xi8>, %arg2: memref<?xf16> {tt.divisibility = 16 : i32, tt.tensor_kind = 0 : i32}, %arg3: memref<?xf16> {tt.divisibility = 16 : i32, tt.tensor_kind = 0 : i32}, %arg4: memref<?xf16> {tt.divisibility = 16 : i32, tt.tensor_kind = 0 : i32}, %arg5: memref<?xi32> {tt.divisibility = 16 : i32, tt.tensor_kind = 0 : i32}, %arg6: memref<?xf16> {tt.divisibility = 16 : i32, tt.tensor_kind = 1 : i32}, %arg7: i32 {tt.divisibility = 16 : i32}, %arg8: i32 {tt.divisibility = 16 : i32}, %arg9: i32 {tt.divisibility = 16 : i32}, %arg10: i32 {tt.divisibility = 16 : i32}, %arg11: i32 {tt.divisibility = 16 : i32}, %arg12: f32, %arg13: i32, %arg14: i32, %arg15: i32, %arg16: i32, %arg17: i32, %arg18: i32) attributes {SyncBlockLockArgIdx = 0 : i64, WorkspaceArgIdx = 1 : i64, global_kernel = "local", mix_mode = "mix", parallel_mode = "simd"} {
    %cst = arith.constant 0.000000e+00 : f16
    %c256 = arith.constant 256 : index
    %c0 = arith.constant 0 : index
    %c256_i32 = arith.constant 256 : i32
    %cst_0 = arith.constant 0xFF800000 : f32
    %c0_i32 = arith.constant 0 : i32
    %cst_1 = arith.constant 0.000000e+00 : f32
    %0 = tensor.empty() : tensor<256xf32>
    %1 = linalg.fill ins(%cst_1 : f32) outs(%0 : tensor<256xf32>) -> tensor<256xf32>
    %2 = tensor.empty() : tensor<256x256xf32>
    %3 = linalg.fill ins(%cst_0 : f32) outs(%2 : tensor<256x256xf32>) -> tensor<256x256xf32>
    %4 = linalg.fill ins(%cst_1 : f32) outs(%2 : tensor<256x256xf32>) -> tensor<256x256xf32>
    %5 = tensor.empty() : tensor<256x128xf32>
    %6 = linalg.fill ins(%cst_1 : f32) outs(%5 : tensor<256x128xf32>) -> tensor<256x128xf32>
    %7 = linalg.fill ins(%cst_0 : f32) outs(%0 : tensor<256xf32>) -> tensor<256xf32>
    %8 = arith.muli %arg16, %c256_i32 : i32
    %9 = tensor.empty() : tensor<256xi32>
    %10 = linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]} outs(%9 : tensor<256xi32>) {
    ^bb0(%out: i32):
      %24 = linalg.index 0 : index
      %25 = arith.index_cast %24 : index to i32
      linalg.yield %25 : i32
    } -> tensor<256xi32>
    %11 = arith.index_cast %8 : i32 to index
    %12 = arith.index_cast %arg8 : i32 to index
    %13 = arith.muli %11, %12 : index
    %reinterpret_cast = memref.reinterpret_cast %arg2 to offset: [%13], sizes: [256, 128], strides: [%12, 1] : memref<?xf16> to memref<256x128xf16, strided<[?, 1], offset: ?>>
    %alloc = memref.alloc() : memref<256x128xf16>
    memref.copy %reinterpret_cast, %alloc : memref<256x128xf16, strided<[?, 1], offset: ?>> to memref<256x128xf16>
    %14 = bufferization.to_tensor %alloc restrict writable : memref<256x128xf16>
    %15 = arith.extsi %arg9 : i32 to i64
    %16 = linalg.fill ins(%arg12 : f32) outs(%2 : tensor<256x256xf32>) -> tensor<256x256xf32>
    %expanded = tensor.expand_shape %10 [[0, 1]] output_shape [1, 256] : tensor<256xi32> into tensor<1x256xi32>
    %17 = tensor.empty() : tensor<1x256xi32>
    %18 = linalg.fill ins(%arg7 : i32) outs(%17 : tensor<1x256xi32>) -> tensor<1x256xi32>
    %19:3 = scf.for %arg19 = %c0_i32 to %arg7 step %c256_i32 iter_args(%arg20 = %1, %arg21 = %6, %arg22 = %7) -> (tensor<256xf32>, tensor<256x128xf32>, tensor<256xf32>)  : i32 {
      %24 = arith.divsi %arg19, %c256_i32 : i32
      %25 = arith.index_cast %24 : i32 to index
      %reinterpret_cast_3 = memref.reinterpret_cast %arg5 to offset: [%25], sizes: [1], strides: [1] : memref<?xi32> to memref<1xi32, strided<[1], offset: ?>>
      %26 = memref.load %reinterpret_cast_3[%c0] : memref<1xi32, strided<[1], offset: ?>>
      %27 = arith.extsi %26 : i32 to i64
      %28 = arith.muli %27, %15 : i64
      %29 = arith.index_cast %28 : i64 to index
      %30 = arith.index_cast %arg10 : i32 to index
      %reinterpret_cast_4 = memref.reinterpret_cast %arg3 to offset: [%29], sizes: [256, 128], strides: [%30, 1] : memref<?xf16> to memref<256x128xf16, strided<[?, 1], offset: ?>>
      %alloc_5 = memref.alloc() : memref<256x128xf16>
      %31 = arith.index_cast %arg19 : i32 to index
      %32 = arith.addi %31, %c256 : index
      %33 = arith.index_cast %arg7 : i32 to index
      %34 = arith.maxsi %31, %33 : index
      %35 = arith.minsi %32, %34 : index
      %36 = arith.subi %35, %31 : index
      %37 = arith.cmpi slt, %36, %c256 : index
      scf.if %37 {
        linalg.fill ins(%cst : f16) outs(%alloc_5 : memref<256x128xf16>)
      } {hivm.unlikely_condition}
      %subview = memref.subview %reinterpret_cast_4[0, 0] [%36, 128] [1, 1] : memref<256x128xf16, strided<[?, 1], offset: ?>> to memref<?x128xf16, strided<[?, 1], offset: ?>>
      %subview_6 = memref.subview %alloc_5[0, 0] [%36, 128] [1, 1] : memref<256x128xf16> to memref<?x128xf16, strided<[128, 1]>>
      memref.copy %subview, %subview_6 : memref<?x128xf16, strided<[?, 1], offset: ?>> to memref<?x128xf16, strided<[128, 1]>>
      %38 = bufferization.to_tensor %alloc_5 restrict writable : memref<256x128xf16>
      %39 = tensor.empty() : tensor<128x256xf16>
      %transposed = linalg.transpose ins(%38 : tensor<256x128xf16>) outs(%39 : tensor<128x256xf16>) permutation = [1, 0] 
      %40 = linalg.matmul {input_precison = "ieee"} ins(%14, %transposed : tensor<256x128xf16>, tensor<128x256xf16>) outs(%4 : tensor<256x256xf32>) -> tensor<256x256xf32>
      %41 = arith.mulf %40, %16 : tensor<256x256xf32>
      %42 = linalg.fill ins(%arg19 : i32) outs(%17 : tensor<1x256xi32>) -> tensor<1x256xi32>
      %43 = arith.addi %42, %expanded : tensor<1x256xi32>
      %44 = arith.cmpi slt, %43, %18 : tensor<1x256xi32>
      %45 = tensor.empty() : tensor<256x256xi1>
      %collapsed = tensor.collapse_shape %44 [[0, 1]] : tensor<1x256xi1> into tensor<256xi1>
      %broadcasted_7 = linalg.broadcast ins(%collapsed : tensor<256xi1>) outs(%45 : tensor<256x256xi1>) dimensions = [0] 
      %46 = arith.select %broadcasted_7, %41, %3 : tensor<256x256xi1>, tensor<256x256xf32>
      %reduced = linalg.reduce ins(%46 : tensor<256x256xf32>) outs(%7 : tensor<256xf32>) dimensions = [1] 
        (%in: f32, %init: f32) {
          %58 = arith.maxnumf %in, %init : f32
          linalg.yield %58 : f32
        }
      %47 = arith.maxnumf %arg22, %reduced : tensor<256xf32>
      %broadcasted_8 = linalg.broadcast ins(%47 : tensor<256xf32>) outs(%2 : tensor<256x256xf32>) dimensions = [1] 
      %48 = arith.subf %46, %broadcasted_8 : tensor<256x256xf32>
      %49 = math.exp %48 : tensor<256x256xf32>
      %50 = arith.subf %arg22, %47 : tensor<256xf32>
      %51 = math.exp %50 : tensor<256xf32>
      %52 = arith.mulf %arg20, %51 : tensor<256xf32>
      %reduced_9 = linalg.reduce ins(%49 : tensor<256x256xf32>) outs(%1 : tensor<256xf32>) dimensions = [1] 
        (%in: f32, %init: f32) {
          %58 = arith.addf %in, %init : f32
          linalg.yield %58 : f32
        }
      %53 = arith.addf %52, %reduced_9 : tensor<256xf32>
      %reinterpret_cast_10 = memref.reinterpret_cast %arg4 to offset: [%29], sizes: [256, 128], strides: [%30, 1] : memref<?xf16> to memref<256x128xf16, strided<[?, 1], offset: ?>>
      %alloc_11 = memref.alloc() : memref<256x128xf16>
      scf.if %37 {
        linalg.fill ins(%cst : f16) outs(%alloc_11 : memref<256x128xf16>)
      } {hivm.unlikely_condition}
      %subview_12 = memref.subview %reinterpret_cast_10[0, 0] [%36, 128] [1, 1] : memref<256x128xf16, strided<[?, 1], offset: ?>> to memref<?x128xf16, strided<[?, 1], offset: ?>>
      %subview_13 = memref.subview %alloc_11[0, 0] [%36, 128] [1, 1] : memref<256x128xf16> to memref<?x128xf16, strided<[128, 1]>>
      memref.copy %subview_12, %subview_13 : memref<?x128xf16, strided<[?, 1], offset: ?>> to memref<?x128xf16, strided<[128, 1]>>
      %54 = bufferization.to_tensor %alloc_11 restrict writable : memref<256x128xf16>
      %broadcasted_14 = linalg.broadcast ins(%51 : tensor<256xf32>) outs(%5 : tensor<256x128xf32>) dimensions = [1] 
      %55 = arith.mulf %arg21, %broadcasted_14 : tensor<256x128xf32>
      %56 = arith.truncf %49 : tensor<256x256xf32> to tensor<256x256xf16>
      %57 = linalg.matmul {input_precison = "ieee"} ins(%56, %54 : tensor<256x256xf16>, tensor<256x128xf16>) outs(%55 : tensor<256x128xf32>) -> tensor<256x128xf32>
      scf.yield %53, %57, %47 : tensor<256xf32>, tensor<256x128xf32>, tensor<256xf32>
    }
    %broadcasted = linalg.broadcast ins(%19#0 : tensor<256xf32>) outs(%5 : tensor<256x128xf32>) dimensions = [1] 
    %20 = arith.divf %19#1, %broadcasted : tensor<256x128xf32>
    %21 = arith.index_cast %arg11 : i32 to index
    %22 = arith.muli %11, %21 : index
    %reinterpret_cast_2 = memref.reinterpret_cast %arg6 to offset: [%22], sizes: [256, 128], strides: [%21, 1] : memref<?xf16> to memref<256x128xf16, strided<[?, 1], offset: ?>>
    %23 = arith.truncf %20 : tensor<256x128xf32> to tensor<256x128xf16>
    bufferization.materialize_in_destination %23 in writable %reinterpret_cast_2 : (tensor<256x128xf16>, memref<256x128xf16, strided<[?, 1], offset: ?>>) -> ()
    return
  }
}

