#map = affine_map<(d0) -> (d0)>
module {
  func.func @fused_add_rmsnorm_quant(%arg0: memref<?xi8>, %arg1: memref<?xi8>, %arg2: memref<?xf16> {tt.tensor_kind = 0 : i32}, %arg3: memref<?xf16> {tt.tensor_kind = 0 : i32}, %arg4: memref<?xf32> {tt.tensor_kind = 0 : i32}, %arg5: memref<?xf32> {tt.tensor_kind = 0 : i32}, %arg6: memref<?xf32> {tt.tensor_kind = 0 : i32}, %arg7: memref<?xf16> {tt.tensor_kind = 2 : i32}, %arg8: memref<?xi8> {tt.tensor_kind = 2 : i32}, %arg9: memref<?xf32> {tt.tensor_kind = 1 : i32}, %arg10: i32, %arg11: i32, %arg12: i32, %arg13: i32, %arg14: f32, %arg15: f32, %arg16: i32, %arg17: i32, %arg18: i32, %arg19: i32, %arg20: i32, %arg21: i32) attributes {SyncBlockLockArgIdx = 0 : i64, WorkspaceArgIdx = 1 : i64, global_kernel = "local", mix_mode = "aiv", parallel_mode = "simd"} {
    %c0_i8 = arith.constant 0 : i8
    %c1024 = arith.constant 1024 : index
    %cst = arith.constant 0xFF800000 : f32
    %cst_0 = arith.constant 0.000000e+00 : f16
    %c8192 = arith.constant 8192 : index
    %cst_1 = arith.constant 5.000000e-01 : f32
    %cst_2 = arith.constant -1.280000e+02 : f32
    %c0_i32 = arith.constant 0 : i32
    %c1024_i32 = arith.constant 1024 : i32
    %c0 = arith.constant 0 : index
    %cst_3 = arith.constant 1.000000e+00 : f32
    %cst_4 = arith.constant 0.000000e+00 : f32
    %cst_5 = arith.constant 1.270000e+02 : f32
    %cst_6 = arith.constant 9.99999993E-9 : f32
    %0 = tensor.empty() : tensor<1xf32>
    %1 = linalg.fill ins(%cst_6 : f32) outs(%0 : tensor<1xf32>) -> tensor<1xf32>
    %2 = linalg.fill ins(%cst_5 : f32) outs(%0 : tensor<1xf32>) -> tensor<1xf32>
    %3 = linalg.fill ins(%cst_4 : f32) outs(%0 : tensor<1xf32>) -> tensor<1xf32>
    %4 = linalg.fill ins(%cst_3 : f32) outs(%0 : tensor<1xf32>) -> tensor<1xf32>
    %5 = tensor.empty() : tensor<1024xf32>
    %6 = linalg.fill ins(%cst_4 : f32) outs(%5 : tensor<1024xf32>) -> tensor<1024xf32>
    %7 = tensor.empty() : tensor<8192xf32>
    %8 = linalg.fill ins(%cst_5 : f32) outs(%7 : tensor<8192xf32>) -> tensor<8192xf32>
    %9 = linalg.fill ins(%cst_2 : f32) outs(%7 : tensor<8192xf32>) -> tensor<8192xf32>
    %10 = linalg.fill ins(%cst_1 : f32) outs(%7 : tensor<8192xf32>) -> tensor<8192xf32>
    %11 = linalg.fill ins(%cst_4 : f32) outs(%7 : tensor<8192xf32>) -> tensor<8192xf32>
    %12 = tensor.empty() : tensor<8192xi32>
    %13 = linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]} outs(%12 : tensor<8192xi32>) {
    ^bb0(%out: i32):
      %83 = linalg.index 0 : index
      %84 = arith.index_cast %83 : index to i32
      linalg.yield %84 : i32
    } -> tensor<8192xi32>
    %14 = linalg.fill ins(%arg10 : i32) outs(%12 : tensor<8192xi32>) -> tensor<8192xi32>
    %15 = arith.cmpi slt, %13, %14 : tensor<8192xi32>
    %16 = arith.muli %arg19, %arg11 : i32
    %17 = arith.index_cast %16 : i32 to index
    %reinterpret_cast = memref.reinterpret_cast %arg2 to offset: [%17], sizes: [8192], strides: [1] : memref<?xf16> to memref<8192xf16, strided<[1], offset: ?>>
    %alloc = memref.alloc() : memref<8192xf16>
    %18 = arith.index_cast %arg10 : i32 to index
    %19 = arith.maxsi %18, %c0 : index
    %20 = arith.minsi %19, %c8192 : index
    %21 = arith.cmpi slt, %20, %c8192 : index
    scf.if %21 {
      linalg.fill ins(%cst_0 : f16) outs(%alloc : memref<8192xf16>)
    } {hivm.unlikely_condition}
    %subview = memref.subview %reinterpret_cast[0] [%20] [1] : memref<8192xf16, strided<[1], offset: ?>> to memref<?xf16, strided<[1], offset: ?>>
    %subview_7 = memref.subview %alloc[0] [%20] [1] : memref<8192xf16> to memref<?xf16, strided<[1]>>
    memref.copy %subview, %subview_7 : memref<?xf16, strided<[1], offset: ?>> to memref<?xf16, strided<[1]>>
    %22 = bufferization.to_tensor %alloc restrict writable : memref<8192xf16>
    %23 = arith.extf %22 : tensor<8192xf16> to tensor<8192xf32>
    %24 = arith.muli %arg19, %arg12 : i32
    %25 = arith.index_cast %24 : i32 to index
    %reinterpret_cast_8 = memref.reinterpret_cast %arg3 to offset: [%25], sizes: [8192], strides: [1] : memref<?xf16> to memref<8192xf16, strided<[1], offset: ?>>
    %alloc_9 = memref.alloc() : memref<8192xf16>
    scf.if %21 {
      linalg.fill ins(%cst_0 : f16) outs(%alloc_9 : memref<8192xf16>)
    } {hivm.unlikely_condition}
    %subview_10 = memref.subview %reinterpret_cast_8[0] [%20] [1] : memref<8192xf16, strided<[1], offset: ?>> to memref<?xf16, strided<[1], offset: ?>>
    %subview_11 = memref.subview %alloc_9[0] [%20] [1] : memref<8192xf16> to memref<?xf16, strided<[1]>>
    memref.copy %subview_10, %subview_11 : memref<?xf16, strided<[1], offset: ?>> to memref<?xf16, strided<[1]>>
    %26 = bufferization.to_tensor %alloc_9 restrict writable : memref<8192xf16>
    %27 = arith.extf %26 : tensor<8192xf16> to tensor<8192xf32>
    %28 = arith.addf %23, %27 : tensor<8192xf32>
    %reinterpret_cast_12 = memref.reinterpret_cast %arg7 to offset: [%25], sizes: [8192], strides: [1] : memref<?xf16> to memref<8192xf16, strided<[1], offset: ?>>
    %29 = arith.truncf %28 : tensor<8192xf32> to tensor<8192xf16>
    %extracted_slice = tensor.extract_slice %29[0] [%20] [1] : tensor<8192xf16> to tensor<?xf16>
    %subview_13 = memref.subview %reinterpret_cast_12[0] [%20] [1] : memref<8192xf16, strided<[1], offset: ?>> to memref<?xf16, strided<[1], offset: ?>>
    bufferization.materialize_in_destination %extracted_slice in writable %subview_13 : (tensor<?xf16>, memref<?xf16, strided<[1], offset: ?>>) -> ()
    %30 = arith.mulf %28, %28 : tensor<8192xf32>
    %31 = bufferization.alloc_tensor() : tensor<f32>
    %32 = linalg.fill ins(%cst_4 : f32) outs(%31 : tensor<f32>) -> tensor<f32>
    %reduced = linalg.reduce ins(%30 : tensor<8192xf32>) outs(%32 : tensor<f32>) dimensions = [0] 
      (%in: f32, %init: f32) {
        %83 = arith.addf %in, %init : f32
        linalg.yield %83 : f32
      }
    %extracted = tensor.extract %reduced[] : tensor<f32>
    %33 = arith.sitofp %arg10 : i32 to f32
    %inserted = tensor.insert %extracted into %0[%c0] : tensor<1xf32>
    %inserted_14 = tensor.insert %33 into %0[%c0] : tensor<1xf32>
    %34 = arith.divf %inserted, %inserted_14 : tensor<1xf32>
    %extracted_15 = tensor.extract %34[%c0] : tensor<1xf32>
    %inserted_16 = tensor.insert %extracted_15 into %0[%c0] : tensor<1xf32>
    %inserted_17 = tensor.insert %arg14 into %0[%c0] : tensor<1xf32>
    %35 = arith.addf %inserted_16, %inserted_17 : tensor<1xf32>
    %extracted_18 = tensor.extract %35[%c0] : tensor<1xf32>
    %inserted_19 = tensor.insert %extracted_18 into %0[%c0] : tensor<1xf32>
    %36 = math.sqrt %inserted_19 : tensor<1xf32>
    %extracted_20 = tensor.extract %36[%c0] : tensor<1xf32>
    %inserted_21 = tensor.insert %extracted_20 into %0[%c0] : tensor<1xf32>
    %37 = arith.divf %4, %inserted_21 : tensor<1xf32>
    %extracted_22 = tensor.extract %37[%c0] : tensor<1xf32>
    %reinterpret_cast_23 = memref.reinterpret_cast %arg4 to offset: [0], sizes: [8192], strides: [1] : memref<?xf32> to memref<8192xf32, strided<[1]>>
    %alloc_24 = memref.alloc() : memref<8192xf32>
    scf.if %21 {
      linalg.fill ins(%cst_4 : f32) outs(%alloc_24 : memref<8192xf32>)
    } {hivm.unlikely_condition}
    %subview_25 = memref.subview %reinterpret_cast_23[0] [%20] [1] : memref<8192xf32, strided<[1]>> to memref<?xf32, strided<[1]>>
    %subview_26 = memref.subview %alloc_24[0] [%20] [1] : memref<8192xf32> to memref<?xf32, strided<[1]>>
    memref.copy %subview_25, %subview_26 : memref<?xf32, strided<[1]>> to memref<?xf32, strided<[1]>>
    %38 = bufferization.to_tensor %alloc_24 restrict writable : memref<8192xf32>
    %reinterpret_cast_27 = memref.reinterpret_cast %arg5 to offset: [0], sizes: [8192], strides: [1] : memref<?xf32> to memref<8192xf32, strided<[1]>>
    %alloc_28 = memref.alloc() : memref<8192xf32>
    scf.if %21 {
      linalg.fill ins(%cst_4 : f32) outs(%alloc_28 : memref<8192xf32>)
    } {hivm.unlikely_condition}
    %subview_29 = memref.subview %reinterpret_cast_27[0] [%20] [1] : memref<8192xf32, strided<[1]>> to memref<?xf32, strided<[1]>>
    %subview_30 = memref.subview %alloc_28[0] [%20] [1] : memref<8192xf32> to memref<?xf32, strided<[1]>>
    memref.copy %subview_29, %subview_30 : memref<?xf32, strided<[1]>> to memref<?xf32, strided<[1]>>
    %39 = bufferization.to_tensor %alloc_28 restrict writable : memref<8192xf32>
    %40 = linalg.fill ins(%extracted_22 : f32) outs(%7 : tensor<8192xf32>) -> tensor<8192xf32>
    %41 = arith.mulf %28, %40 : tensor<8192xf32>
    %42 = arith.mulf %41, %38 : tensor<8192xf32>
    %43 = arith.addf %42, %39 : tensor<8192xf32>
    %inserted_31 = tensor.insert %arg15 into %0[%c0] : tensor<1xf32>
    %44 = arith.subf %3, %inserted_31 : tensor<1xf32>
    %extracted_32 = tensor.extract %44[%c0] : tensor<1xf32>
    %45 = linalg.fill ins(%extracted_32 : f32) outs(%7 : tensor<8192xf32>) -> tensor<8192xf32>
    %46 = arith.maxnumf %43, %45 : tensor<8192xf32>
    %47 = linalg.fill ins(%arg15 : f32) outs(%7 : tensor<8192xf32>) -> tensor<8192xf32>
    %48 = arith.minnumf %46, %47 : tensor<8192xf32>
    %reinterpret_cast_33 = memref.reinterpret_cast %arg6 to offset: [0], sizes: [8192], strides: [1] : memref<?xf32> to memref<8192xf32, strided<[1]>>
    %alloc_34 = memref.alloc() : memref<8192xf32>
    scf.if %21 {
      linalg.fill ins(%cst_3 : f32) outs(%alloc_34 : memref<8192xf32>)
    } {hivm.unlikely_condition}
    %subview_35 = memref.subview %reinterpret_cast_33[0] [%20] [1] : memref<8192xf32, strided<[1]>> to memref<?xf32, strided<[1]>>
    %subview_36 = memref.subview %alloc_34[0] [%20] [1] : memref<8192xf32> to memref<?xf32, strided<[1]>>
    memref.copy %subview_35, %subview_36 : memref<?xf32, strided<[1]>> to memref<?xf32, strided<[1]>>
    %49 = bufferization.to_tensor %alloc_34 restrict writable : memref<8192xf32>
    %50 = arith.divf %48, %49 : tensor<8192xf32>
    %51 = math.absf %50 : tensor<8192xf32>
    %52 = arith.select %15, %51, %11 : tensor<8192xi1>, tensor<8192xf32>
    %53 = bufferization.alloc_tensor() : tensor<f32>
    %54 = linalg.fill ins(%cst : f32) outs(%53 : tensor<f32>) -> tensor<f32>
    %reduced_37 = linalg.reduce ins(%52 : tensor<8192xf32>) outs(%54 : tensor<f32>) dimensions = [0] 
      (%in: f32, %init: f32) {
        %83 = arith.maxnumf %in, %init : f32
        linalg.yield %83 : f32
      }
    %extracted_38 = tensor.extract %reduced_37[] : tensor<f32>
    %inserted_39 = tensor.insert %extracted_38 into %0[%c0] : tensor<1xf32>
    %55 = arith.divf %inserted_39, %2 : tensor<1xf32>
    %extracted_40 = tensor.extract %55[%c0] : tensor<1xf32>
    %inserted_41 = tensor.insert %extracted_40 into %0[%c0] : tensor<1xf32>
    %56 = arith.maxnumf %inserted_41, %1 : tensor<1xf32>
    %extracted_42 = tensor.extract %56[%c0] : tensor<1xf32>
    %57 = linalg.fill ins(%extracted_42 : f32) outs(%7 : tensor<8192xf32>) -> tensor<8192xf32>
    %58 = arith.divf %50, %57 : tensor<8192xf32>
    %59 = arith.cmpf oge, %58, %11 : tensor<8192xf32>
    %60 = arith.addf %58, %10 : tensor<8192xf32>
    %61 = math.floor %60 : tensor<8192xf32>
    %62 = arith.subf %58, %10 : tensor<8192xf32>
    %63 = math.ceil %62 : tensor<8192xf32>
    %64 = arith.select %59, %61, %63 : tensor<8192xi1>, tensor<8192xf32>
    %65 = arith.maxnumf %64, %9 : tensor<8192xf32>
    %66 = arith.minnumf %65, %8 : tensor<8192xf32>
    %67 = arith.muli %arg19, %arg13 : i32
    %68 = arith.index_cast %67 : i32 to index
    %reinterpret_cast_43 = memref.reinterpret_cast %arg8 to offset: [%68], sizes: [8192], strides: [1] : memref<?xi8> to memref<8192xi8, strided<[1], offset: ?>>
    %69 = arith.fptosi %66 : tensor<8192xf32> to tensor<8192xi8>
    %extracted_slice_44 = tensor.extract_slice %69[0] [%20] [1] : tensor<8192xi8> to tensor<?xi8>
    %subview_45 = memref.subview %reinterpret_cast_43[0] [%20] [1] : memref<8192xi8, strided<[1], offset: ?>> to memref<?xi8, strided<[1], offset: ?>>
    bufferization.materialize_in_destination %extracted_slice_44 in writable %subview_45 : (tensor<?xi8>, memref<?xi8, strided<[1], offset: ?>>) -> ()
    %70 = arith.index_cast %arg19 : i32 to index
    %inserted_46 = tensor.insert %extracted_42 into %0[%c0] : tensor<1xf32>
    %reinterpret_cast_47 = memref.reinterpret_cast %arg9 to offset: [%70], sizes: [1], strides: [1] : memref<?xf32> to memref<1xf32, strided<[1], offset: ?>>
    bufferization.materialize_in_destination %inserted_46 in writable %reinterpret_cast_47 : (tensor<1xf32>, memref<1xf32, strided<[1], offset: ?>>) -> ()
    %71 = tensor.empty() : tensor<1024xi32>
    %72 = linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]} outs(%71 : tensor<1024xi32>) {
    ^bb0(%out: i32):
      %83 = linalg.index 0 : index
      %84 = arith.index_cast %83 : index to i32
      linalg.yield %84 : i32
    } -> tensor<1024xi32>
    %73 = linalg.fill ins(%arg10 : i32) outs(%71 : tensor<1024xi32>) -> tensor<1024xi32>
    %74 = linalg.fill ins(%extracted_22 : f32) outs(%5 : tensor<1024xf32>) -> tensor<1024xf32>
    %75 = linalg.fill ins(%extracted_32 : f32) outs(%5 : tensor<1024xf32>) -> tensor<1024xf32>
    %76 = linalg.fill ins(%arg15 : f32) outs(%5 : tensor<1024xf32>) -> tensor<1024xf32>
    %77 = linalg.fill ins(%extracted_42 : f32) outs(%5 : tensor<1024xf32>) -> tensor<1024xf32>
    %78 = scf.for %arg22 = %c0_i32 to %arg10 step %c1024_i32 iter_args(%arg23 = %6) -> (tensor<1024xf32>)  : i32 {
      %83 = linalg.fill ins(%arg22 : i32) outs(%71 : tensor<1024xi32>) -> tensor<1024xi32>
      %84 = arith.addi %83, %72 : tensor<1024xi32>
      %85 = arith.cmpi slt, %84, %73 : tensor<1024xi32>
      %86 = arith.index_cast %arg22 : i32 to index
      %87 = arith.addi %68, %86 : index
      %reinterpret_cast_52 = memref.reinterpret_cast %arg8 to offset: [%87], sizes: [1024], strides: [1] : memref<?xi8> to memref<1024xi8, strided<[1], offset: ?>>
      %alloc_53 = memref.alloc() : memref<1024xi8>
      %88 = arith.addi %86, %c1024 : index
      %89 = arith.maxsi %86, %18 : index
      %90 = arith.minsi %88, %89 : index
      %91 = arith.subi %90, %86 : index
      %92 = arith.cmpi slt, %91, %c1024 : index
      scf.if %92 {
        linalg.fill ins(%c0_i8 : i8) outs(%alloc_53 : memref<1024xi8>)
      } {hivm.unlikely_condition}
      %subview_54 = memref.subview %reinterpret_cast_52[0] [%91] [1] : memref<1024xi8, strided<[1], offset: ?>> to memref<?xi8, strided<[1], offset: ?>>
      %subview_55 = memref.subview %alloc_53[0] [%91] [1] : memref<1024xi8> to memref<?xi8, strided<[1]>>
      memref.copy %subview_54, %subview_55 : memref<?xi8, strided<[1], offset: ?>> to memref<?xi8, strided<[1]>>
      %93 = bufferization.to_tensor %alloc_53 restrict writable : memref<1024xi8>
      %94 = arith.sitofp %93 : tensor<1024xi8> to tensor<1024xf32>
      %95 = arith.addi %25, %86 : index
      %reinterpret_cast_56 = memref.reinterpret_cast %arg7 to offset: [%95], sizes: [1024], strides: [1] : memref<?xf16> to memref<1024xf16, strided<[1], offset: ?>>
      %alloc_57 = memref.alloc() : memref<1024xf16>
      scf.if %92 {
        linalg.fill ins(%cst_0 : f16) outs(%alloc_57 : memref<1024xf16>)
      } {hivm.unlikely_condition}
      %subview_58 = memref.subview %reinterpret_cast_56[0] [%91] [1] : memref<1024xf16, strided<[1], offset: ?>> to memref<?xf16, strided<[1], offset: ?>>
      %subview_59 = memref.subview %alloc_57[0] [%91] [1] : memref<1024xf16> to memref<?xf16, strided<[1]>>
      memref.copy %subview_58, %subview_59 : memref<?xf16, strided<[1], offset: ?>> to memref<?xf16, strided<[1]>>
      %96 = bufferization.to_tensor %alloc_57 restrict writable : memref<1024xf16>
      %97 = arith.extf %96 : tensor<1024xf16> to tensor<1024xf32>
      %reinterpret_cast_60 = memref.reinterpret_cast %arg4 to offset: [%86], sizes: [1024], strides: [1] : memref<?xf32> to memref<1024xf32, strided<[1], offset: ?>>
      %alloc_61 = memref.alloc() : memref<1024xf32>
      scf.if %92 {
        linalg.fill ins(%cst_4 : f32) outs(%alloc_61 : memref<1024xf32>)
      } {hivm.unlikely_condition}
      %subview_62 = memref.subview %reinterpret_cast_60[0] [%91] [1] : memref<1024xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
      %subview_63 = memref.subview %alloc_61[0] [%91] [1] : memref<1024xf32> to memref<?xf32, strided<[1]>>
      memref.copy %subview_62, %subview_63 : memref<?xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1]>>
      %98 = bufferization.to_tensor %alloc_61 restrict writable : memref<1024xf32>
      %reinterpret_cast_64 = memref.reinterpret_cast %arg5 to offset: [%86], sizes: [1024], strides: [1] : memref<?xf32> to memref<1024xf32, strided<[1], offset: ?>>
      %alloc_65 = memref.alloc() : memref<1024xf32>
      scf.if %92 {
        linalg.fill ins(%cst_4 : f32) outs(%alloc_65 : memref<1024xf32>)
      } {hivm.unlikely_condition}
      %subview_66 = memref.subview %reinterpret_cast_64[0] [%91] [1] : memref<1024xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
      %subview_67 = memref.subview %alloc_65[0] [%91] [1] : memref<1024xf32> to memref<?xf32, strided<[1]>>
      memref.copy %subview_66, %subview_67 : memref<?xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1]>>
      %99 = bufferization.to_tensor %alloc_65 restrict writable : memref<1024xf32>
      %reinterpret_cast_68 = memref.reinterpret_cast %arg6 to offset: [%86], sizes: [1024], strides: [1] : memref<?xf32> to memref<1024xf32, strided<[1], offset: ?>>
      %alloc_69 = memref.alloc() : memref<1024xf32>
      scf.if %92 {
        linalg.fill ins(%cst_3 : f32) outs(%alloc_69 : memref<1024xf32>)
      } {hivm.unlikely_condition}
      %subview_70 = memref.subview %reinterpret_cast_68[0] [%91] [1] : memref<1024xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
      %subview_71 = memref.subview %alloc_69[0] [%91] [1] : memref<1024xf32> to memref<?xf32, strided<[1]>>
      memref.copy %subview_70, %subview_71 : memref<?xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1]>>
      %100 = bufferization.to_tensor %alloc_69 restrict writable : memref<1024xf32>
      %101 = arith.mulf %97, %74 : tensor<1024xf32>
      %102 = arith.mulf %101, %98 : tensor<1024xf32>
      %103 = arith.addf %102, %99 : tensor<1024xf32>
      %104 = arith.maxnumf %103, %75 : tensor<1024xf32>
      %105 = arith.minnumf %104, %76 : tensor<1024xf32>
      %106 = arith.divf %105, %100 : tensor<1024xf32>
      %107 = arith.mulf %94, %77 : tensor<1024xf32>
      %108 = arith.subf %107, %106 : tensor<1024xf32>
      %109 = math.absf %108 : tensor<1024xf32>
      %110 = arith.select %85, %109, %6 : tensor<1024xi1>, tensor<1024xf32>
      %111 = arith.addf %arg23, %110 : tensor<1024xf32>
      scf.yield %111 : tensor<1024xf32>
    }
    %79 = arith.index_cast %arg16 : i32 to index
    %80 = arith.addi %79, %70 : index
    %81 = bufferization.alloc_tensor() : tensor<f32>
    %82 = linalg.fill ins(%cst : f32) outs(%81 : tensor<f32>) -> tensor<f32>
    %reduced_48 = linalg.reduce ins(%78 : tensor<1024xf32>) outs(%82 : tensor<f32>) dimensions = [0] 
      (%in: f32, %init: f32) {
        %83 = arith.maxnumf %in, %init : f32
        linalg.yield %83 : f32
      }
    %extracted_49 = tensor.extract %reduced_48[] : tensor<f32>
    %inserted_50 = tensor.insert %extracted_49 into %0[%c0] : tensor<1xf32>
    %reinterpret_cast_51 = memref.reinterpret_cast %arg9 to offset: [%80], sizes: [1], strides: [1] : memref<?xf32> to memref<1xf32, strided<[1], offset: ?>>
    bufferization.materialize_in_destination %inserted_50 in writable %reinterpret_cast_51 : (tensor<1xf32>, memref<1xf32, strided<[1], offset: ?>>) -> ()
    return
  }
}

