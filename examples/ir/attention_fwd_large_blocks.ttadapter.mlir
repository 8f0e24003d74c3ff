#map = affine_map<(d0) -> (d0)>
module {
  func.func @attention_fwd_large_blocks(%arg0: memref<?xi8>, %arg1: memref<?xi8>, %arg2: memref<?xf16> {tt.tensor_kind = 0 : i32}, %arg3: memref<?xf16> {tt.tensor_kind = 0 : i32}, %arg4: memref<?xf16> {tt.tensor_kind = 0 : i32}, %arg5: memref<?xf16> {tt.tensor_kind = 0 : i32}, %arg6: memref<?xf16> {tt.tensor_kind = 1 : i32}, %arg7: memref<?xf32> {tt.tensor_kind = 1 : i32}, %arg8: i32, %arg9: i32, %arg10: i32, %arg11: i32, %arg12: i32, %arg13: f32, %arg14: i32, %arg15: i32, %arg16: i32, %arg17: i32, %arg18: i32, %arg19: i32) attributes {SyncBlockLockArgIdx = 0 : i64, WorkspaceArgIdx = 1 : i64, global_kernel = "local", mix_mode = "mix", parallel_mode = "simd"} {
    %c256 = arith.constant 256 : index
    %cst = arith.constant 0.000000e+00 : f16
    %c128 = arith.constant 128 : index
    %c0 = arith.constant 0 : index
    %c128_i32 = arith.constant 128 : i32
    %c0_i32 = arith.constant 0 : i32
    %c256_i32 = arith.constant 256 : i32
    %cst_0 = arith.constant 0xFF800000 : f32
    %cst_1 = arith.constant 0.000000e+00 : f32
    %0 = tensor.empty() : tensor<128xf32>
    %1 = linalg.fill ins(%cst_1 : f32) outs(%0 : tensor<128xf32>) -> tensor<128xf32>
    %2 = tensor.empty() : tensor<128x128xf32>
    %3 = linalg.fill ins(%cst_1 : f32) outs(%2 : tensor<128x128xf32>) -> tensor<128x128xf32>
    %4 = tensor.empty() : tensor<128x256xf32>
    %5 = linalg.fill ins(%cst_0 : f32) outs(%4 : tensor<128x256xf32>) -> tensor<128x256xf32>
    %6 = linalg.fill ins(%cst_1 : f32) outs(%4 : tensor<128x256xf32>) -> tensor<128x256xf32>
    %7 = linalg.fill ins(%cst_0 : f32) outs(%0 : tensor<128xf32>) -> tensor<128xf32>
    %8 = arith.muli %arg18, %arg9 : i32
    %9 = arith.muli %arg17, %c128_i32 : i32
    %10 = arith.index_cast %8 : i32 to index
    %11 = arith.index_cast %9 : i32 to index
    %12 = arith.index_cast %arg10 : i32 to index
    %13 = arith.muli %11, %12 : index
    %14 = arith.addi %13, %10 : index
    %15 = arith.index_cast %arg8 : i32 to index
    %reinterpret_cast = memref.reinterpret_cast %arg2 to offset: [%14], sizes: [128, 128], strides: [%12, 1] : memref<?xf16> to memref<128x128xf16, strided<[?, 1], offset: ?>>
    %16 = arith.muli %arg18, %arg11 : i32
    %17 = arith.index_cast %16 : i32 to index
    %alloc = memref.alloc() : memref<128x128xf16>
    %18 = arith.divsi %13, %12 : index
    %19 = arith.subi %15, %18 : index
    %20 = arith.maxsi %19, %c0 : index
    %21 = arith.minsi %20, %c128 : index
    %22 = arith.cmpi slt, %21, %c128 : index
    scf.if %22 {
      linalg.fill ins(%cst : f16) outs(%alloc : memref<128x128xf16>)
    } {hivm.unlikely_condition}
    %subview = memref.subview %reinterpret_cast[0, 0] [%21, 128] [1, 1] : memref<128x128xf16, strided<[?, 1], offset: ?>> to memref<?x128xf16, strided<[?, 1], offset: ?>>
    %subview_2 = memref.subview %alloc[0, 0] [%21, 128] [1, 1] : memref<128x128xf16> to memref<?x128xf16, strided<[128, 1]>>
    memref.copy %subview, %subview_2 : memref<?x128xf16, strided<[?, 1], offset: ?>> to memref<?x128xf16, strided<[128, 1]>>
    %23 = bufferization.to_tensor %alloc restrict writable : memref<128x128xf16>
    %24 = linalg.fill ins(%arg13 : f32) outs(%4 : tensor<128x256xf32>) -> tensor<128x256xf32>
    %25 = tensor.empty() : tensor<256xi32>
    %26 = linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]} outs(%25 : tensor<256xi32>) {
    ^bb0(%out: i32):
      %47 = linalg.index 0 : index
      %48 = arith.index_cast %47 : index to i32
      linalg.yield %48 : i32
    } -> tensor<256xi32>
    %27 = tensor.empty() : tensor<128xi32>
    %28 = linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]} outs(%27 : tensor<128xi32>) {
    ^bb0(%out: i32):
      %47 = linalg.index 0 : index
      %48 = arith.index_cast %47 : index to i32
      linalg.yield %48 : i32
    } -> tensor<128xi32>
    %29 = linalg.fill ins(%9 : i32) outs(%27 : tensor<128xi32>) -> tensor<128xi32>
    %30 = arith.addi %29, %28 : tensor<128xi32>
    %31 = tensor.empty() : tensor<1x256xi32>
    %32 = linalg.fill ins(%arg8 : i32) outs(%31 : tensor<1x256xi32>) -> tensor<1x256xi32>
    %33 = tensor.empty() : tensor<128x256xi32>
    %broadcasted = linalg.broadcast ins(%30 : tensor<128xi32>) outs(%33 : tensor<128x256xi32>) dimensions = [1] 
    %34:6 = scf.for %arg20 = %c0_i32 to %arg8 step %c256_i32 iter_args(%arg21 = %1, %arg22 = %3, %arg23 = %7, %arg24 = %c0_i32, %arg25 = %c0_i32, %arg26 = %c0_i32) -> (tensor<128xf32>, tensor<128x128xf32>, tensor<128xf32>, i32, i32, i32)  : i32 {
      %47 = arith.index_cast %arg26 : i32 to index
      %48 = arith.index_cast %arg12 : i32 to index
      %49 = arith.muli %11, %48 : index
      %50 = arith.addi %49, %17 : index
      %51 = arith.addi %50, %47 : index
      %reinterpret_cast_9 = memref.reinterpret_cast %arg5 to offset: [%51], sizes: [128, 256], strides: [%48, 1] : memref<?xf16> to memref<128x256xf16, strided<[?, 1], offset: ?>>
      %52 = arith.index_cast %arg25 : i32 to index
      %53 = arith.muli %52, %12 : index
      %54 = arith.addi %53, %10 : index
      %reinterpret_cast_10 = memref.reinterpret_cast %arg4 to offset: [%54], sizes: [256, 128], strides: [%12, 1] : memref<?xf16> to memref<256x128xf16, strided<[?, 1], offset: ?>>
      %55 = arith.index_cast %arg24 : i32 to index
      %56 = arith.muli %55, %12 : index
      %57 = arith.addi %56, %10 : index
      %reinterpret_cast_11 = memref.reinterpret_cast %arg3 to offset: [%57], sizes: [256, 128], strides: [%12, 1] : memref<?xf16> to memref<256x128xf16, strided<[?, 1], offset: ?>>
      %alloc_12 = memref.alloc() : memref<256x128xf16>
      %58 = arith.subi %c128, %56 : index
      %59 = arith.maxsi %58, %c0 : index
      %60 = arith.minsi %59, %c128 : index
      %61 = arith.cmpi slt, %60, %c128 : index
      scf.if %61 {
        linalg.fill ins(%cst : f16) outs(%alloc_12 : memref<256x128xf16>)
      } {hivm.unlikely_condition}
      %subview_13 = memref.subview %reinterpret_cast_11[0, 0] [256, %60] [1, 1] : memref<256x128xf16, strided<[?, 1], offset: ?>> to memref<256x?xf16, strided<[?, 1], offset: ?>>
      %subview_14 = memref.subview %alloc_12[0, 0] [256, %60] [1, 1] : memref<256x128xf16> to memref<256x?xf16, strided<[128, 1]>>
      memref.copy %subview_13, %subview_14 : memref<256x?xf16, strided<[?, 1], offset: ?>> to memref<256x?xf16, strided<[128, 1]>>
      %62 = bufferization.to_tensor %alloc_12 restrict writable : memref<256x128xf16>
      %63 = tensor.empty() : tensor<128x256xf16>
      %transposed = linalg.transpose ins(%62 : tensor<256x128xf16>) outs(%63 : tensor<128x256xf16>) permutation = [1, 0] 
      %64 = linalg.matmul {input_precison = "ieee"} ins(%23, %transposed : tensor<128x128xf16>, tensor<128x256xf16>) outs(%6 : tensor<128x256xf32>) -> tensor<128x256xf32>
      %65 = arith.mulf %64, %24 : tensor<128x256xf32>
      %alloc_15 = memref.alloc() : memref<128x256xf16>
      %66 = arith.subi %51, %17 : index
      %67 = arith.divsi %66, %48 : index
      %68 = arith.subi %15, %67 : index
      %69 = arith.maxsi %68, %c0 : index
      %70 = arith.minsi %69, %c128 : index
      %71 = arith.remsi %66, %48 : index
      %72 = arith.subi %15, %71 : index
      %73 = arith.maxsi %72, %c0 : index
      %74 = arith.minsi %73, %c256 : index
      %75 = arith.cmpi slt, %70, %c128 : index
      %76 = arith.cmpi slt, %74, %c256 : index
      %77 = arith.ori %75, %76 : i1
      scf.if %77 {
        linalg.fill ins(%cst : f16) outs(%alloc_15 : memref<128x256xf16>)
      } {hivm.unlikely_condition}
      %subview_16 = memref.subview %reinterpret_cast_9[0, 0] [%70, %74] [1, 1] : memref<128x256xf16, strided<[?, 1], offset: ?>> to memref<?x?xf16, strided<[?, 1], offset: ?>>
      %subview_17 = memref.subview %alloc_15[0, 0] [%70, %74] [1, 1] : memref<128x256xf16> to memref<?x?xf16, strided<[256, 1]>>
      memref.copy %subview_16, %subview_17 : memref<?x?xf16, strided<[?, 1], offset: ?>> to memref<?x?xf16, strided<[256, 1]>>
      %78 = bufferization.to_tensor %alloc_15 restrict writable : memref<128x256xf16>
      %79 = arith.extf %78 : tensor<128x256xf16> to tensor<128x256xf32>
      %80 = arith.addf %65, %79 : tensor<128x256xf32>
      %81 = linalg.fill ins(%arg20 : i32) outs(%25 : tensor<256xi32>) -> tensor<256xi32>
      %82 = arith.addi %81, %26 : tensor<256xi32>
      %expanded = tensor.expand_shape %82 [[0, 1]] output_shape [1, 256] : tensor<256xi32> into tensor<1x256xi32>
      %83 = arith.cmpi slt, %expanded, %32 : tensor<1x256xi32>
      %broadcasted_18 = linalg.broadcast ins(%82 : tensor<256xi32>) outs(%33 : tensor<128x256xi32>) dimensions = [0] 
      %84 = arith.cmpi sle, %broadcasted_18, %broadcasted : tensor<128x256xi32>
      %85 = tensor.empty() : tensor<128x256xi1>
      %collapsed = tensor.collapse_shape %83 [[0, 1]] : tensor<1x256xi1> into tensor<256xi1>
      %broadcasted_19 = linalg.broadcast ins(%collapsed : tensor<256xi1>) outs(%85 : tensor<128x256xi1>) dimensions = [0] 
      %86 = arith.andi %broadcasted_19, %84 : tensor<128x256xi1>
      %87 = arith.select %86, %80, %5 : tensor<128x256xi1>, tensor<128x256xf32>
      %reduced = linalg.reduce ins(%87 : tensor<128x256xf32>) outs(%7 : tensor<128xf32>) dimensions = [1] 
        (%in: f32, %init: f32) {
          %107 = arith.maxnumf %in, %init : f32
          linalg.yield %107 : f32
        }
      %88 = arith.maxnumf %arg23, %reduced : tensor<128xf32>
      %89 = arith.subf %arg23, %88 : tensor<128xf32>
      %90 = math.exp %89 : tensor<128xf32>
      %broadcasted_20 = linalg.broadcast ins(%88 : tensor<128xf32>) outs(%4 : tensor<128x256xf32>) dimensions = [1] 
      %91 = arith.subf %87, %broadcasted_20 : tensor<128x256xf32>
      %92 = math.exp %91 : tensor<128x256xf32>
      %93 = arith.mulf %arg21, %90 : tensor<128xf32>
      %reduced_21 = linalg.reduce ins(%92 : tensor<128x256xf32>) outs(%1 : tensor<128xf32>) dimensions = [1] 
        (%in: f32, %init: f32) {
          %107 = arith.addf %in, %init : f32
          linalg.yield %107 : f32
        }
      %94 = arith.addf %93, %reduced_21 : tensor<128xf32>
      %alloc_22 = memref.alloc() : memref<256x128xf16>
      %95 = arith.divsi %53, %12 : index
      %96 = arith.subi %15, %95 : index
      %97 = arith.maxsi %96, %c0 : index
      %98 = arith.minsi %97, %c256 : index
      %99 = arith.cmpi slt, %98, %c256 : index
      scf.if %99 {
        linalg.fill ins(%cst : f16) outs(%alloc_22 : memref<256x128xf16>)
      } {hivm.unlikely_condition}
      %subview_23 = memref.subview %reinterpret_cast_10[0, 0] [%98, 128] [1, 1] : memref<256x128xf16, strided<[?, 1], offset: ?>> to memref<?x128xf16, strided<[?, 1], offset: ?>>
      %subview_24 = memref.subview %alloc_22[0, 0] [%98, 128] [1, 1] : memref<256x128xf16> to memref<?x128xf16, strided<[128, 1]>>
      memref.copy %subview_23, %subview_24 : memref<?x128xf16, strided<[?, 1], offset: ?>> to memref<?x128xf16, strided<[128, 1]>>
      %100 = bufferization.to_tensor %alloc_22 restrict writable : memref<256x128xf16>
      %broadcasted_25 = linalg.broadcast ins(%90 : tensor<128xf32>) outs(%2 : tensor<128x128xf32>) dimensions = [1] 
      %101 = arith.mulf %arg22, %broadcasted_25 : tensor<128x128xf32>
      %102 = arith.truncf %92 : tensor<128x256xf32> to tensor<128x256xf16>
      %103 = linalg.matmul {input_precison = "ieee"} ins(%102, %100 : tensor<128x256xf16>, tensor<256x128xf16>) outs(%101 : tensor<128x128xf32>) -> tensor<128x128xf32>
      %104 = arith.addi %arg24, %c256_i32 : i32
      %105 = arith.addi %arg25, %c256_i32 : i32
      %106 = arith.addi %arg26, %c256_i32 : i32
      scf.yield %94, %103, %88, %104, %105, %106 : tensor<128xf32>, tensor<128x128xf32>, tensor<128xf32>, i32, i32, i32
    }
    %broadcasted_3 = linalg.broadcast ins(%34#0 : tensor<128xf32>) outs(%2 : tensor<128x128xf32>) dimensions = [1] 
    %35 = arith.divf %34#1, %broadcasted_3 : tensor<128x128xf32>
    %36 = arith.muli %arg18, %arg8 : i32
    %37 = arith.index_cast %36 : i32 to index
    %38 = arith.addi %37, %11 : index
    %reinterpret_cast_4 = memref.reinterpret_cast %arg7 to offset: [%38], sizes: [128], strides: [1] : memref<?xf32> to memref<128xf32, strided<[1], offset: ?>>
    %39 = math.log %34#0 : tensor<128xf32>
    %40 = arith.addf %34#2, %39 : tensor<128xf32>
    %41 = arith.addi %11, %c128 : index
    %42 = arith.index_cast %arg8 : i32 to index
    %43 = arith.maxsi %11, %42 : index
    %44 = arith.minsi %41, %43 : index
    %45 = arith.subi %44, %11 : index
    %extracted_slice = tensor.extract_slice %40[0] [%45] [1] : tensor<128xf32> to tensor<?xf32>
    %subview_5 = memref.subview %reinterpret_cast_4[0] [%45] [1] : memref<128xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
    bufferization.materialize_in_destination %extracted_slice in writable %subview_5 : (tensor<?xf32>, memref<?xf32, strided<[1], offset: ?>>) -> ()
    %reinterpret_cast_6 = memref.reinterpret_cast %arg6 to offset: [%14], sizes: [128, 128], strides: [%12, 1] : memref<?xf16> to memref<128x128xf16, strided<[?, 1], offset: ?>>
    %46 = arith.truncf %35 : tensor<128x128xf32> to tensor<128x128xf16>
    %extracted_slice_7 = tensor.extract_slice %46[0, 0] [%21, 128] [1, 1] : tensor<128x128xf16> to tensor<?x128xf16>
    %subview_8 = memref.subview %reinterpret_cast_6[0, 0] [%21, 128] [1, 1] : memref<128x128xf16, strided<[?, 1], offset: ?>> to memref<?x128xf16, strided<[?, 1], offset: ?>>
    bufferization.materialize_in_destination %extracted_slice_7 in writable %subview_8 : (tensor<?x128xf16>, memref<?x128xf16, strided<[?, 1], offset: ?>>) -> ()
    return
  }
}

