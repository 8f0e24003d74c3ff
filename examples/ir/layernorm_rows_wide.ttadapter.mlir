#map = affine_map<(d0) -> (d0)>
module {
  func.func @layernorm_rows(%arg0: memref<?xi8>, %arg1: memref<?xi8>, %arg2: memref<?xf16> {tt.tensor_kind = 0 : i32}, %arg3: memref<?xf16> {tt.tensor_kind = 0 : i32}, %arg4: memref<?xf16> {tt.tensor_kind = 0 : i32}, %arg5: memref<?xf16> {tt.tensor_kind = 1 : i32}, %arg6: i32, %arg7: i32, %arg8: f32, %arg9: i32, %arg10: i32, %arg11: i32, %arg12: i32, %arg13: i32, %arg14: i32) attributes {SyncBlockLockArgIdx = 0 : i64, WorkspaceArgIdx = 1 : i64, global_kernel = "local", mix_mode = "aiv", parallel_mode = "simd"} {
    %cst = arith.constant 0.000000e+00 : f16
    %c4096 = arith.constant 4096 : index
    %c0 = arith.constant 0 : index
    %c4 = arith.constant 4 : index
    %c4_i32 = arith.constant 4 : i32
    %cst_0 = arith.constant 0.000000e+00 : f32
    %cst_1 = arith.constant 1.000000e+00 : f32
    %0 = tensor.empty() : tensor<4xf32>
    %1 = linalg.fill ins(%cst_1 : f32) outs(%0 : tensor<4xf32>) -> tensor<4xf32>
    %2 = tensor.empty() : tensor<4x4096xf32>
    %3 = linalg.fill ins(%cst_0 : f32) outs(%2 : tensor<4x4096xf32>) -> tensor<4x4096xf32>
    %4 = arith.muli %arg12, %c4_i32 : i32
    %5 = tensor.empty() : tensor<4xi32>
    %6 = linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]} outs(%5 : tensor<4xi32>) {
    ^bb0(%out: i32):
      %57 = linalg.index 0 : index
      %58 = arith.index_cast %57 : index to i32
      linalg.yield %58 : i32
    } -> tensor<4xi32>
    %7 = linalg.fill ins(%4 : i32) outs(%5 : tensor<4xi32>) -> tensor<4xi32>
    %8 = arith.addi %7, %6 : tensor<4xi32>
    %9 = tensor.empty() : tensor<4096xi32>
    %10 = linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]} outs(%9 : tensor<4096xi32>) {
    ^bb0(%out: i32):
      %57 = linalg.index 0 : index
      %58 = arith.index_cast %57 : index to i32
      linalg.yield %58 : i32
    } -> tensor<4096xi32>
    %expanded = tensor.expand_shape %8 [[0, 1]] output_shape [4, 1] : tensor<4xi32> into tensor<4x1xi32>
    %11 = tensor.empty() : tensor<4x1xi32>
    %12 = linalg.fill ins(%arg6 : i32) outs(%11 : tensor<4x1xi32>) -> tensor<4x1xi32>
    %13 = arith.cmpi slt, %expanded, %12 : tensor<4x1xi32>
    %expanded_2 = tensor.expand_shape %10 [[0, 1]] output_shape [1, 4096] : tensor<4096xi32> into tensor<1x4096xi32>
    %14 = tensor.empty() : tensor<1x4096xi32>
    %15 = linalg.fill ins(%arg7 : i32) outs(%14 : tensor<1x4096xi32>) -> tensor<1x4096xi32>
    %16 = arith.cmpi slt, %expanded_2, %15 : tensor<1x4096xi32>
    %17 = tensor.empty() : tensor<4x4096xi1>
    %collapsed = tensor.collapse_shape %13 [[0, 1]] : tensor<4x1xi1> into tensor<4xi1>
    %broadcasted = linalg.broadcast ins(%collapsed : tensor<4xi1>) outs(%17 : tensor<4x4096xi1>) dimensions = [1] 
    %collapsed_3 = tensor.collapse_shape %16 [[0, 1]] : tensor<1x4096xi1> into tensor<4096xi1>
    %broadcasted_4 = linalg.broadcast ins(%collapsed_3 : tensor<4096xi1>) outs(%17 : tensor<4x4096xi1>) dimensions = [0] 
    %18 = arith.andi %broadcasted, %broadcasted_4 : tensor<4x4096xi1>
    %19 = arith.index_cast %4 : i32 to index
    %20 = arith.index_cast %arg7 : i32 to index
    %21 = arith.muli %19, %20 : index
    %reinterpret_cast = memref.reinterpret_cast %arg2 to offset: [%21], sizes: [4, 4096], strides: [%20, 1] : memref<?xf16> to memref<4x4096xf16, strided<[?, 1], offset: ?>>
    %alloc = memref.alloc() : memref<4x4096xf16>
    %22 = arith.addi %19, %c4 : index
    %23 = arith.index_cast %arg6 : i32 to index
    %24 = arith.maxsi %19, %23 : index
    %25 = arith.minsi %22, %24 : index
    %26 = arith.subi %25, %19 : index
    %27 = arith.maxsi %20, %c0 : index
    %28 = arith.minsi %27, %c4096 : index
    %29 = arith.minsi %26, %c4 : index
    %30 = arith.minsi %28, %c4096 : index
    %31 = arith.cmpi slt, %29, %c4 : index
    %32 = arith.cmpi slt, %30, %c4096 : index
    %33 = arith.ori %31, %32 : i1
    scf.if %33 {
      linalg.fill ins(%cst : f16) outs(%alloc : memref<4x4096xf16>)
    } {hivm.unlikely_condition}
    %subview = memref.subview %reinterpret_cast[0, 0] [%29, %30] [1, 1] : memref<4x4096xf16, strided<[?, 1], offset: ?>> to memref<?x?xf16, strided<[?, 1], offset: ?>>
    %subview_5 = memref.subview %alloc[0, 0] [%29, %30] [1, 1] : memref<4x4096xf16> to memref<?x?xf16, strided<[4096, 1]>>
    memref.copy %subview, %subview_5 : memref<?x?xf16, strided<[?, 1], offset: ?>> to memref<?x?xf16, strided<[4096, 1]>>
    %34 = bufferization.to_tensor %alloc restrict writable : memref<4x4096xf16>
    %35 = arith.extf %34 : tensor<4x4096xf16> to tensor<4x4096xf32>
    %36 = linalg.fill ins(%cst_0 : f32) outs(%0 : tensor<4xf32>) -> tensor<4xf32>
    %reduced = linalg.reduce ins(%35 : tensor<4x4096xf32>) outs(%36 : tensor<4xf32>) dimensions = [1] 
      (%in: f32, %init: f32) {
        %57 = arith.addf %in, %init : f32
        linalg.yield %57 : f32
      }
    %37 = arith.sitofp %arg7 : i32 to f32
    %38 = linalg.fill ins(%37 : f32) outs(%0 : tensor<4xf32>) -> tensor<4xf32>
    %39 = arith.divf %reduced, %38 : tensor<4xf32>
    %broadcasted_6 = linalg.broadcast ins(%39 : tensor<4xf32>) outs(%2 : tensor<4x4096xf32>) dimensions = [1] 
    %40 = arith.subf %35, %broadcasted_6 : tensor<4x4096xf32>
    %41 = arith.select %18, %40, %3 : tensor<4x4096xi1>, tensor<4x4096xf32>
    %42 = arith.mulf %41, %41 : tensor<4x4096xf32>
    %reduced_7 = linalg.reduce ins(%42 : tensor<4x4096xf32>) outs(%36 : tensor<4xf32>) dimensions = [1] 
      (%in: f32, %init: f32) {
        %57 = arith.addf %in, %init : f32
        linalg.yield %57 : f32
      }
    %43 = arith.divf %reduced_7, %38 : tensor<4xf32>
    %44 = linalg.fill ins(%arg8 : f32) outs(%0 : tensor<4xf32>) -> tensor<4xf32>
    %45 = arith.addf %43, %44 : tensor<4xf32>
    %46 = math.sqrt %45 : tensor<4xf32>
    %47 = arith.divf %1, %46 : tensor<4xf32>
    %reinterpret_cast_8 = memref.reinterpret_cast %arg3 to offset: [0], sizes: [4096], strides: [1] : memref<?xf16> to memref<4096xf16, strided<[1]>>
    %alloc_9 = memref.alloc() : memref<4096xf16>
    %48 = arith.cmpi slt, %28, %c4096 : index
    scf.if %48 {
      linalg.fill ins(%cst : f16) outs(%alloc_9 : memref<4096xf16>)
    } {hivm.unlikely_condition}
    %subview_10 = memref.subview %reinterpret_cast_8[0] [%28] [1] : memref<4096xf16, strided<[1]>> to memref<?xf16, strided<[1]>>
    %subview_11 = memref.subview %alloc_9[0] [%28] [1] : memref<4096xf16> to memref<?xf16, strided<[1]>>
    memref.copy %subview_10, %subview_11 : memref<?xf16, strided<[1]>> to memref<?xf16, strided<[1]>>
    %49 = bufferization.to_tensor %alloc_9 restrict writable : memref<4096xf16>
    %50 = arith.extf %49 : tensor<4096xf16> to tensor<4096xf32>
    %reinterpret_cast_12 = memref.reinterpret_cast %arg4 to offset: [0], sizes: [4096], strides: [1] : memref<?xf16> to memref<4096xf16, strided<[1]>>
    %alloc_13 = memref.alloc() : memref<4096xf16>
    scf.if %48 {
      linalg.fill ins(%cst : f16) outs(%alloc_13 : memref<4096xf16>)
    } {hivm.unlikely_condition}
    %subview_14 = memref.subview %reinterpret_cast_12[0] [%28] [1] : memref<4096xf16, strided<[1]>> to memref<?xf16, strided<[1]>>
    %subview_15 = memref.subview %alloc_13[0] [%28] [1] : memref<4096xf16> to memref<?xf16, strided<[1]>>
    memref.copy %subview_14, %subview_15 : memref<?xf16, strided<[1]>> to memref<?xf16, strided<[1]>>
    %51 = bufferization.to_tensor %alloc_13 restrict writable : memref<4096xf16>
    %52 = arith.extf %51 : tensor<4096xf16> to tensor<4096xf32>
    %broadcasted_16 = linalg.broadcast ins(%47 : tensor<4xf32>) outs(%2 : tensor<4x4096xf32>) dimensions = [1] 
    %53 = arith.mulf %41, %broadcasted_16 : tensor<4x4096xf32>
    %broadcasted_17 = linalg.broadcast ins(%50 : tensor<4096xf32>) outs(%2 : tensor<4x4096xf32>) dimensions = [0] 
    %54 = arith.mulf %53, %broadcasted_17 : tensor<4x4096xf32>
    %broadcasted_18 = linalg.broadcast ins(%52 : tensor<4096xf32>) outs(%2 : tensor<4x4096xf32>) dimensions = [0] 
    %55 = arith.addf %54, %broadcasted_18 : tensor<4x4096xf32>
    %reinterpret_cast_19 = memref.reinterpret_cast %arg5 to offset: [%21], sizes: [4, 4096], strides: [%20, 1] : memref<?xf16> to memref<4x4096xf16, strided<[?, 1], offset: ?>>
    %56 = arith.truncf %55 : tensor<4x4096xf32> to tensor<4x4096xf16>
    %extracted_slice = tensor.extract_slice %56[0, 0] [%29, %30] [1, 1] : tensor<4x4096xf16> to tensor<?x?xf16>
    %subview_20 = memref.subview %reinterpret_cast_19[0, 0] [%29, %30] [1, 1] : memref<4x4096xf16, strided<[?, 1], offset: ?>> to memref<?x?xf16, strided<[?, 1], offset: ?>>
    bufferization.materialize_in_destination %extracted_slice in writable %subview_20 : (tensor<?x?xf16>, memref<?x?xf16, strided<[?, 1], offset: ?>>) -> ()
    return
  }
}

