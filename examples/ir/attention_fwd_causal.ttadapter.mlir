#map = affine_map<(d0) -> (d0)>
module {
  func.func @attention_fwd_causal(%arg0: memref<?xi8>, %arg1: memref<?xi8>, %arg2: memref<?xf16> {tt.tensor_kind = 0 : i32}, %arg3: memref<?xf16> {tt.tensor_kind = 0 : i32}, %arg4: memref<?xf16> {tt.tensor_kind = 0 : i32}, %arg5: memref<?xf16> {tt.tensor_kind = 0 : i32}, %arg6: memref<?xf16> {tt.tensor_kind = 1 : i32}, %arg7: memref<?xf32> {tt.tensor_kind = 1 : i32}, %arg8: i32, %arg9: i32, %arg10: i32, %arg11: i32, %arg12: i32, %arg13: f32, %arg14: i32, %arg15: i32, %arg16: i32, %arg17: i32, %arg18: i32, %arg19: i32) attributes {SyncBlockLockArgIdx = 0 : i64, WorkspaceArgIdx = 1 : i64, global_kernel = "local", mix_mode = "mix", parallel_mode = "simd"} {
    %c64 = arith.constant 64 : index
    %cst = arith.constant 0.000000e+00 : f16
    %c32 = arith.constant 32 : index
    %c0 = arith.constant 0 : index
    %c32_i32 = arith.constant 32 : i32
    %c0_i32 = arith.constant 0 : i32
    %cst_0 = arith.constant 0xFF800000 : f32
    %cst_1 = arith.constant 0.000000e+00 : f32
    %0 = tensor.empty() : tensor<32xf32>
    %1 = linalg.fill ins(%cst_1 : f32) outs(%0 : tensor<32xf32>) -> tensor<32xf32>
    %2 = tensor.empty() : tensor<32x64xf32>
    %3 = linalg.fill ins(%cst_1 : f32) outs(%2 : tensor<32x64xf32>) -> tensor<32x64xf32>
    %4 = tensor.empty() : tensor<32x32xf32>
    %5 = linalg.fill ins(%cst_0 : f32) outs(%4 : tensor<32x32xf32>) -> tensor<32x32xf32>
    %6 = linalg.fill ins(%cst_1 : f32) outs(%4 : tensor<32x32xf32>) -> tensor<32x32xf32>
    %7 = linalg.fill ins(%cst_0 : f32) outs(%0 : tensor<32xf32>) -> tensor<32xf32>
    %8 = arith.muli %arg18, %arg9 : i32
    %9 = arith.muli %arg17, %c32_i32 : i32
    %10 = arith.index_cast %8 : i32 to index
    %11 = arith.index_cast %9 : i32 to index
    %12 = arith.index_cast %arg10 : i32 to index
    %13 = arith.muli %11, %12 : index
    %14 = arith.addi %13, %10 : index
    %15 = arith.index_cast %arg8 : i32 to index
    %reinterpret_cast = memref.reinterpret_cast %arg2 to offset: [%14], sizes: [32, 64], strides: [%12, 1] : memref<?xf16> to memref<32x64xf16, strided<[?, 1], offset: ?>>
    %16 = arith.muli %arg18, %arg11 : i32
    %17 = arith.index_cast %16 : i32 to index
    %alloc = memref.alloc() : memref<32x64xf16>
    %18 = arith.divsi %13, %12 : index
    %19 = arith.subi %15, %18 : index
    %20 = arith.maxsi %19, %c0 : index
    %21 = arith.minsi %20, %c32 : index
    %22 = arith.cmpi slt, %21, %c32 : index
    scf.if %22 {
      linalg.fill ins(%cst : f16) outs(%alloc : memref<32x64xf16>)
    } {hivm.unlikely_condition}
    %subview = memref.subview %reinterpret_cast[0, 0] [%21, 64] [1, 1] : memref<32x64xf16, strided<[?, 1], offset: ?>> to memref<?x64xf16, strided<[?, 1], offset: ?>>
    %subview_2 = memref.subview %alloc[0, 0] [%21, 64] [1, 1] : memref<32x64xf16> to memref<?x64xf16, strided<[64, 1]>>
    memref.copy %subview, %subview_2 : memref<?x64xf16, strided<[?, 1], offset: ?>> to memref<?x64xf16, strided<[64, 1]>>
    %23 = bufferization.to_tensor %alloc restrict writable : memref<32x64xf16>
    %24 = linalg.fill ins(%arg13 : f32) outs(%4 : tensor<32x32xf32>) -> tensor<32x32xf32>
    %25 = tensor.empty() : tensor<32xi32>
    %26 = linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]} outs(%25 : tensor<32xi32>) {
    ^bb0(%out: i32):
      %45 = linalg.index 0 : index
      %46 = arith.index_cast %45 : index to i32
      linalg.yield %46 : i32
    } -> tensor<32xi32>
    %27 = linalg.fill ins(%9 : i32) outs(%25 : tensor<32xi32>) -> tensor<32xi32>
    %28 = arith.addi %27, %26 : tensor<32xi32>
    %29 = tensor.empty() : tensor<1x32xi32>
    %30 = linalg.fill ins(%arg8 : i32) outs(%29 : tensor<1x32xi32>) -> tensor<1x32xi32>
    %31 = tensor.empty() : tensor<32x32xi32>
    %broadcasted = linalg.broadcast ins(%28 : tensor<32xi32>) outs(%31 : tensor<32x32xi32>) dimensions = [1] 
    %32:6 = scf.for %arg20 = %c0_i32 to %arg8 step %c32_i32 iter_args(%arg21 = %1, %arg22 = %3, %arg23 = %7, %arg24 = %c0_i32, %arg25 = %c0_i32, %arg26 = %c0_i32) -> (tensor<32xf32>, tensor<32x64xf32>, tensor<32xf32>, i32, i32, i32)  : i32 {
      %45 = arith.index_cast %arg26 : i32 to index
      %46 = arith.index_cast %arg12 : i32 to index
      %47 = arith.muli %11, %46 : index
      %48 = arith.addi %47, %17 : index
      %49 = arith.addi %48, %45 : index
      %reinterpret_cast_9 = memref.reinterpret_cast %arg5 to offset: [%49], sizes: [32, 32], strides: [%46, 1] : memref<?xf16> to memref<32x32xf16, strided<[?, 1], offset: ?>>
      %50 = arith.index_cast %arg25 : i32 to index
      %51 = arith.muli %50, %12 : index
      %52 = arith.addi %51, %10 : index
      %reinterpret_cast_10 = memref.reinterpret_cast %arg4 to offset: [%52], sizes: [32, 64], strides: [%12, 1] : memref<?xf16> to memref<32x64xf16, strided<[?, 1], offset: ?>>
      %53 = arith.index_cast %arg24 : i32 to index
      %54 = arith.muli %53, %12 : index
      %55 = arith.addi %54, %10 : index
      %reinterpret_cast_11 = memref.reinterpret_cast %arg3 to offset: [%55], sizes: [32, 64], strides: [%12, 1] : memref<?xf16> to memref<32x64xf16, strided<[?, 1], offset: ?>>
      %alloc_12 = memref.alloc() : memref<32x64xf16>
      %56 = arith.subi %c64, %54 : index
      %57 = arith.maxsi %56, %c0 : index
      %58 = arith.minsi %57, %c64 : index
      %59 = arith.cmpi slt, %58, %c64 : index
      scf.if %59 {
        linalg.fill ins(%cst : f16) outs(%alloc_12 : memref<32x64xf16>)
      } {hivm.unlikely_condition}
      %subview_13 = memref.subview %reinterpret_cast_11[0, 0] [32, %58] [1, 1] : memref<32x64xf16, strided<[?, 1], offset: ?>> to memref<32x?xf16, strided<[?, 1], offset: ?>>
      %subview_14 = memref.subview %alloc_12[0, 0] [32, %58] [1, 1] : memref<32x64xf16> to memref<32x?xf16, strided<[64, 1]>>
      memref.copy %subview_13, %subview_14 : memref<32x?xf16, strided<[?, 1], offset: ?>> to memref<32x?xf16, strided<[64, 1]>>
      %60 = bufferization.to_tensor %alloc_12 restrict writable : memref<32x64xf16>
      %61 = tensor.empty() : tensor<64x32xf16>
      %transposed = linalg.transpose ins(%60 : tensor<32x64xf16>) outs(%61 : tensor<64x32xf16>) permutation = [1, 0] 
      %62 = linalg.matmul {input_precison = "ieee"} ins(%23, %transposed : tensor<32x64xf16>, tensor<64x32xf16>) outs(%6 : tensor<32x32xf32>) -> tensor<32x32xf32>
      %63 = arith.mulf %62, %24 : tensor<32x32xf32>
      %alloc_15 = memref.alloc() : memref<32x32xf16>
      %64 = arith.subi %49, %17 : index
      %65 = arith.divsi %64, %46 : index
      %66 = arith.subi %15, %65 : index
      %67 = arith.maxsi %66, %c0 : index
      %68 = arith.minsi %67, %c32 : index
      %69 = arith.remsi %64, %46 : index
      %70 = arith.subi %15, %69 : index
      %71 = arith.maxsi %70, %c0 : index
      %72 = arith.minsi %71, %c32 : index
      %73 = arith.cmpi slt, %68, %c32 : index
      %74 = arith.cmpi slt, %72, %c32 : index
      %75 = arith.ori %73, %74 : i1
      scf.if %75 {
        linalg.fill ins(%cst : f16) outs(%alloc_15 : memref<32x32xf16>)
      } {hivm.unlikely_condition}
      %subview_16 = memref.subview %reinterpret_cast_9[0, 0] [%68, %72] [1, 1] : memref<32x32xf16, strided<[?, 1], offset: ?>> to memref<?x?xf16, strided<[?, 1], offset: ?>>
      %subview_17 = memref.subview %alloc_15[0, 0] [%68, %72] [1, 1] : memref<32x32xf16> to memref<?x?xf16, strided<[32, 1]>>
      memref.copy %subview_16, %subview_17 : memref<?x?xf16, strided<[?, 1], offset: ?>> to memref<?x?xf16, strided<[32, 1]>>
      %76 = bufferization.to_tensor %alloc_15 restrict writable : memref<32x32xf16>
      %77 = arith.extf %76 : tensor<32x32xf16> to tensor<32x32xf32>
      %78 = arith.addf %63, %77 : tensor<32x32xf32>
      %79 = linalg.fill ins(%arg20 : i32) outs(%25 : tensor<32xi32>) -> tensor<32xi32>
      %80 = arith.addi %79, %26 : tensor<32xi32>
      %expanded = tensor.expand_shape %80 [[0, 1]] output_shape [1, 32] : tensor<32xi32> into tensor<1x32xi32>
      %81 = arith.cmpi slt, %expanded, %30 : tensor<1x32xi32>
      %broadcasted_18 = linalg.broadcast ins(%80 : tensor<32xi32>) outs(%31 : tensor<32x32xi32>) dimensions = [0] 
      %82 = arith.cmpi sle, %broadcasted_18, %broadcasted : tensor<32x32xi32>
      %83 = tensor.empty() : tensor<32x32xi1>
      %collapsed = tensor.collapse_shape %81 [[0, 1]] : tensor<1x32xi1> into tensor<32xi1>
      %broadcasted_19 = linalg.broadcast ins(%collapsed : tensor<32xi1>) outs(%83 : tensor<32x32xi1>) dimensions = [0] 
      %84 = arith.andi %broadcasted_19, %82 : tensor<32x32xi1>
      %85 = arith.select %84, %78, %5 : tensor<32x32xi1>, tensor<32x32xf32>
      %reduced = linalg.reduce ins(%85 : tensor<32x32xf32>) outs(%7 : tensor<32xf32>) dimensions = [1] 
        (%in: f32, %init: f32) {
          %105 = arith.maxnumf %in, %init : f32
          linalg.yield %105 : f32
        }
      %86 = arith.maxnumf %arg23, %reduced : tensor<32xf32>
      %87 = arith.subf %arg23, %86 : tensor<32xf32>
      %88 = math.exp %87 : tensor<32xf32>
      %broadcasted_20 = linalg.broadcast ins(%86 : tensor<32xf32>) outs(%4 : tensor<32x32xf32>) dimensions = [1] 
      %89 = arith.subf %85, %broadcasted_20 : tensor<32x32xf32>
      %90 = math.exp %89 : tensor<32x32xf32>
      %91 = arith.mulf %arg21, %88 : tensor<32xf32>
      %reduced_21 = linalg.reduce ins(%90 : tensor<32x32xf32>) outs(%1 : tensor<32xf32>) dimensions = [1] 
        (%in: f32, %init: f32) {
          %105 = arith.addf %in, %init : f32
          linalg.yield %105 : f32
        }
      %92 = arith.addf %91, %reduced_21 : tensor<32xf32>
      %alloc_22 = memref.alloc() : memref<32x64xf16>
      %93 = arith.divsi %51, %12 : index
      %94 = arith.subi %15, %93 : index
      %95 = arith.maxsi %94, %c0 : index
      %96 = arith.minsi %95, %c32 : index
      %97 = arith.cmpi slt, %96, %c32 : index
      scf.if %97 {
        linalg.fill ins(%cst : f16) outs(%alloc_22 : memref<32x64xf16>)
      } {hivm.unlikely_condition}
      %subview_23 = memref.subview %reinterpret_cast_10[0, 0] [%96, 64] [1, 1] : memref<32x64xf16, strided<[?, 1], offset: ?>> to memref<?x64xf16, strided<[?, 1], offset: ?>>
      %subview_24 = memref.subview %alloc_22[0, 0] [%96, 64] [1, 1] : memref<32x64xf16> to memref<?x64xf16, strided<[64, 1]>>
      memref.copy %subview_23, %subview_24 : memref<?x64xf16, strided<[?, 1], offset: ?>> to memref<?x64xf16, strided<[64, 1]>>
      %98 = bufferization.to_tensor %alloc_22 restrict writable : memref<32x64xf16>
      %broadcasted_25 = linalg.broadcast ins(%88 : tensor<32xf32>) outs(%2 : tensor<32x64xf32>) dimensions = [1] 
      %99 = arith.mulf %arg22, %broadcasted_25 : tensor<32x64xf32>
      %100 = arith.truncf %90 : tensor<32x32xf32> to tensor<32x32xf16>
      %101 = linalg.matmul {input_precison = "ieee"} ins(%100, %98 : tensor<32x32xf16>, tensor<32x64xf16>) outs(%99 : tensor<32x64xf32>) -> tensor<32x64xf32>
      %102 = arith.addi %arg24, %c32_i32 : i32
      %103 = arith.addi %arg25, %c32_i32 : i32
      %104 = arith.addi %arg26, %c32_i32 : i32
      scf.yield %92, %101, %86, %102, %103, %104 : tensor<32xf32>, tensor<32x64xf32>, tensor<32xf32>, i32, i32, i32
    }
    %broadcasted_3 = linalg.broadcast ins(%32#0 : tensor<32xf32>) outs(%2 : tensor<32x64xf32>) dimensions = [1] 
    %33 = arith.divf %32#1, %broadcasted_3 : tensor<32x64xf32>
    %34 = arith.muli %arg18, %arg8 : i32
    %35 = arith.index_cast %34 : i32 to index
    %36 = arith.addi %35, %11 : index
    %reinterpret_cast_4 = memref.reinterpret_cast %arg7 to offset: [%36], sizes: [32], strides: [1] : memref<?xf32> to memref<32xf32, strided<[1], offset: ?>>
    %37 = math.log %32#0 : tensor<32xf32>
    %38 = arith.addf %32#2, %37 : tensor<32xf32>
    %39 = arith.addi %11, %c32 : index
    %40 = arith.index_cast %arg8 : i32 to index
    %41 = arith.maxsi %11, %40 : index
    %42 = arith.minsi %39, %41 : index
    %43 = arith.subi %42, %11 : index
    %extracted_slice = tensor.extract_slice %38[0] [%43] [1] : tensor<32xf32> to tensor<?xf32>
    %subview_5 = memref.subview %reinterpret_cast_4[0] [%43] [1] : memref<32xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
    bufferization.materialize_in_destination %extracted_slice in writable %subview_5 : (tensor<?xf32>, memref<?xf32, strided<[1], offset: ?>>) -> ()
    %reinterpret_cast_6 = memref.reinterpret_cast %arg6 to offset: [%14], sizes: [32, 64], strides: [%12, 1] : memref<?xf16> to memref<32x64xf16, strided<[?, 1], offset: ?>>
    %44 = arith.truncf %33 : tensor<32x64xf32> to tensor<32x64xf16>
    %extracted_slice_7 = tensor.extract_slice %44[0, 0] [%21, 64] [1, 1] : tensor<32x64xf16> to tensor<?x64xf16>
    %subview_8 = memref.subview %reinterpret_cast_6[0, 0] [%21, 64] [1, 1] : memref<32x64xf16, strided<[?, 1], offset: ?>> to memref<?x64xf16, strided<[?, 1], offset: ?>>
    bufferization.materialize_in_destination %extracted_slice_7 in writable %subview_8 : (tensor<?x64xf16>, memref<?x64xf16, strided<[?, 1], offset: ?>>) -> ()
    return
  }
}

