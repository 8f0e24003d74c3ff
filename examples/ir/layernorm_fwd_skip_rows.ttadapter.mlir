#map = affine_map<(d0) -> (d0)>
module {
  func.func @layernorm_fwd_skip_rows(%arg0: memref<?xi8>, %arg1: memref<?xi8>, %arg2: memref<?xf32> {tt.tensor_kind = 0 : i32}, %arg3: memref<?xf32> {tt.tensor_kind = 0 : i32}, %arg4: memref<?xf32> {tt.tensor_kind = 0 : i32}, %arg5: memref<?xf32> {tt.tensor_kind = 1 : i32}, %arg6: memref<?xf32> {tt.tensor_kind = 1 : i32}, %arg7: memref<?xf32> {tt.tensor_kind = 1 : i32}, %arg8: memref<?xi32> {tt.tensor_kind = 0 : i32}, %arg9: memref<?xi32> {tt.tensor_kind = 0 : i32}, %arg10: i32, %arg11: i32, %arg12: i32, %arg13: f32, %arg14: i32, %arg15: i32, %arg16: i32, %arg17: i32, %arg18: i32, %arg19: i32) attributes {SyncBlockLockArgIdx = 0 : i64, WorkspaceArgIdx = 1 : i64, global_kernel = "local", mix_mode = "aiv", parallel_mode = "simd"} {
    %c256 = arith.constant 256 : index
    %c0_i32 = arith.constant 0 : i32
    %cst = arith.constant 0.000000e+00 : f32
    %c256_i32 = arith.constant 256 : i32
    %c0 = arith.constant 0 : index
    %cst_0 = arith.constant 1.000000e+00 : f32
    %0 = tensor.empty() : tensor<1xf32>
    %1 = linalg.fill ins(%cst_0 : f32) outs(%0 : tensor<1xf32>) -> tensor<1xf32>
    %2 = tensor.empty() : tensor<256xf32>
    %3 = linalg.fill ins(%cst : f32) outs(%2 : tensor<256xf32>) -> tensor<256xf32>
    %4 = arith.index_cast %arg17 : i32 to index
    %reinterpret_cast = memref.reinterpret_cast %arg8 to offset: [%4], sizes: [1], strides: [1] : memref<?xi32> to memref<1xi32, strided<[1], offset: ?>>
    %5 = memref.load %reinterpret_cast[%c0] : memref<1xi32, strided<[1], offset: ?>>
    %6 = arith.muli %arg17, %arg11 : i32
    %7 = arith.index_cast %6 : i32 to index
    %8 = arith.muli %arg17, %arg12 : i32
    %9 = arith.index_cast %8 : i32 to index
    %10 = arith.cmpi ne, %5, %c0_i32 : i32
    scf.if %10 {
      %reinterpret_cast_1 = memref.reinterpret_cast %arg9 to offset: [%4], sizes: [1], strides: [1] : memref<?xi32> to memref<1xi32, strided<[1], offset: ?>>
      %11 = memref.load %reinterpret_cast_1[%c0] : memref<1xi32, strided<[1], offset: ?>>
      %12 = arith.cmpi ne, %11, %c0_i32 : i32
      scf.if %12 {
      } else {
        %13 = tensor.empty() : tensor<256xi32>
        %14 = linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]} outs(%13 : tensor<256xi32>) {
        ^bb0(%out: i32):
          %30 = linalg.index 0 : index
          %31 = arith.index_cast %30 : index to i32
          linalg.yield %31 : i32
        } -> tensor<256xi32>
        %15 = linalg.fill ins(%arg10 : i32) outs(%13 : tensor<256xi32>) -> tensor<256xi32>
        %16 = scf.for %arg20 = %c0_i32 to %arg10 step %c256_i32 iter_args(%arg21 = %3) -> (tensor<256xf32>)  : i32 {
          %30 = arith.index_cast %arg20 : i32 to index
          %31 = arith.addi %7, %30 : index
          %reinterpret_cast_19 = memref.reinterpret_cast %arg2 to offset: [%31], sizes: [256], strides: [1] : memref<?xf32> to memref<256xf32, strided<[1], offset: ?>>
          %alloc = memref.alloc() : memref<256xf32>
          %32 = arith.addi %30, %c256 : index
          %33 = arith.index_cast %arg10 : i32 to index
          %34 = arith.maxsi %30, %33 : index
          %35 = arith.minsi %32, %34 : index
          %36 = arith.subi %35, %30 : index
          %37 = arith.cmpi slt, %36, %c256 : index
          scf.if %37 {
            linalg.fill ins(%cst : f32) outs(%alloc : memref<256xf32>)
          } {hivm.unlikely_condition}
          %subview = memref.subview %reinterpret_cast_19[0] [%36] [1] : memref<256xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
          %subview_20 = memref.subview %alloc[0] [%36] [1] : memref<256xf32> to memref<?xf32, strided<[1]>>
          memref.copy %subview, %subview_20 : memref<?xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1]>>
          %38 = bufferization.to_tensor %alloc restrict writable : memref<256xf32>
          %39 = arith.addf %arg21, %38 : tensor<256xf32>
          scf.yield %39 : tensor<256xf32>
        }
        %17 = bufferization.alloc_tensor() : tensor<f32>
        %18 = linalg.fill ins(%cst : f32) outs(%17 : tensor<f32>) -> tensor<f32>
        %reduced = linalg.reduce ins(%16 : tensor<256xf32>) outs(%18 : tensor<f32>) dimensions = [0] 
          (%in: f32, %init: f32) {
            %30 = arith.addf %in, %init : f32
            linalg.yield %30 : f32
          }
        %extracted = tensor.extract %reduced[] : tensor<f32>
        %19 = arith.sitofp %arg10 : i32 to f32
        %inserted = tensor.insert %extracted into %0[%c0] : tensor<1xf32>
        %inserted_2 = tensor.insert %19 into %0[%c0] : tensor<1xf32>
        %20 = arith.divf %inserted, %inserted_2 : tensor<1xf32>
        %extracted_3 = tensor.extract %20[%c0] : tensor<1xf32>
        %21 = linalg.fill ins(%extracted_3 : f32) outs(%2 : tensor<256xf32>) -> tensor<256xf32>
        %22 = scf.for %arg20 = %c0_i32 to %arg10 step %c256_i32 iter_args(%arg21 = %3) -> (tensor<256xf32>)  : i32 {
          %30 = linalg.fill ins(%arg20 : i32) outs(%13 : tensor<256xi32>) -> tensor<256xi32>
          %31 = arith.addi %30, %14 : tensor<256xi32>
          %32 = arith.cmpi slt, %31, %15 : tensor<256xi32>
          %33 = arith.index_cast %arg20 : i32 to index
          %34 = arith.addi %7, %33 : index
          %reinterpret_cast_19 = memref.reinterpret_cast %arg2 to offset: [%34], sizes: [256], strides: [1] : memref<?xf32> to memref<256xf32, strided<[1], offset: ?>>
          %alloc = memref.alloc() : memref<256xf32>
          %35 = arith.addi %33, %c256 : index
          %36 = arith.index_cast %arg10 : i32 to index
          %37 = arith.maxsi %33, %36 : index
          %38 = arith.minsi %35, %37 : index
          %39 = arith.subi %38, %33 : index
          %40 = arith.cmpi slt, %39, %c256 : index
          scf.if %40 {
            linalg.fill ins(%cst : f32) outs(%alloc : memref<256xf32>)
          } {hivm.unlikely_condition}
          %subview = memref.subview %reinterpret_cast_19[0] [%39] [1] : memref<256xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
          %subview_20 = memref.subview %alloc[0] [%39] [1] : memref<256xf32> to memref<?xf32, strided<[1]>>
          memref.copy %subview, %subview_20 : memref<?xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1]>>
          %41 = bufferization.to_tensor %alloc restrict writable : memref<256xf32>
          %42 = arith.subf %41, %21 : tensor<256xf32>
          %43 = arith.select %32, %42, %3 : tensor<256xi1>, tensor<256xf32>
          %44 = arith.mulf %43, %43 : tensor<256xf32>
          %45 = arith.addf %arg21, %44 : tensor<256xf32>
          scf.yield %45 : tensor<256xf32>
        }
        %23 = bufferization.alloc_tensor() : tensor<f32>
        %24 = linalg.fill ins(%cst : f32) outs(%23 : tensor<f32>) -> tensor<f32>
        %reduced_4 = linalg.reduce ins(%22 : tensor<256xf32>) outs(%24 : tensor<f32>) dimensions = [0] 
          (%in: f32, %init: f32) {
            %30 = arith.addf %in, %init : f32
            linalg.yield %30 : f32
          }
        %extracted_5 = tensor.extract %reduced_4[] : tensor<f32>
        %inserted_6 = tensor.insert %extracted_5 into %0[%c0] : tensor<1xf32>
        %25 = arith.divf %inserted_6, %inserted_2 : tensor<1xf32>
        %extracted_7 = tensor.extract %25[%c0] : tensor<1xf32>
        %inserted_8 = tensor.insert %extracted_7 into %0[%c0] : tensor<1xf32>
        %inserted_9 = tensor.insert %arg13 into %0[%c0] : tensor<1xf32>
        %26 = arith.addf %inserted_8, %inserted_9 : tensor<1xf32>
        %extracted_10 = tensor.extract %26[%c0] : tensor<1xf32>
        %inserted_11 = tensor.insert %extracted_10 into %0[%c0] : tensor<1xf32>
        %27 = math.sqrt %inserted_11 : tensor<1xf32>
        %extracted_12 = tensor.extract %27[%c0] : tensor<1xf32>
        %inserted_13 = tensor.insert %extracted_12 into %0[%c0] : tensor<1xf32>
        %28 = arith.divf %1, %inserted_13 : tensor<1xf32>
        %extracted_14 = tensor.extract %28[%c0] : tensor<1xf32>
        %inserted_15 = tensor.insert %extracted_3 into %0[%c0] : tensor<1xf32>
        %reinterpret_cast_16 = memref.reinterpret_cast %arg6 to offset: [%4], sizes: [1], strides: [1] : memref<?xf32> to memref<1xf32, strided<[1], offset: ?>>
        bufferization.materialize_in_destination %inserted_15 in writable %reinterpret_cast_16 : (tensor<1xf32>, memref<1xf32, strided<[1], offset: ?>>) -> ()
        %inserted_17 = tensor.insert %extracted_14 into %0[%c0] : tensor<1xf32>
        %reinterpret_cast_18 = memref.reinterpret_cast %arg7 to offset: [%4], sizes: [1], strides: [1] : memref<?xf32> to memref<1xf32, strided<[1], offset: ?>>
        bufferization.materialize_in_destination %inserted_17 in writable %reinterpret_cast_18 : (tensor<1xf32>, memref<1xf32, strided<[1], offset: ?>>) -> ()
        %29 = linalg.fill ins(%extracted_14 : f32) outs(%2 : tensor<256xf32>) -> tensor<256xf32>
        scf.for %arg20 = %c0_i32 to %arg10 step %c256_i32  : i32 {
          %30 = arith.index_cast %arg20 : i32 to index
          %reinterpret_cast_19 = memref.reinterpret_cast %arg3 to offset: [%30], sizes: [256], strides: [1] : memref<?xf32> to memref<256xf32, strided<[1], offset: ?>>
          %alloc = memref.alloc() : memref<256xf32>
          %31 = arith.addi %30, %c256 : index
          %32 = arith.index_cast %arg10 : i32 to index
          %33 = arith.maxsi %30, %32 : index
          %34 = arith.minsi %31, %33 : index
          %35 = arith.subi %34, %30 : index
          %36 = arith.cmpi slt, %35, %c256 : index
          scf.if %36 {
            linalg.fill ins(%cst_0 : f32) outs(%alloc : memref<256xf32>)
          } {hivm.unlikely_condition}
          %subview = memref.subview %reinterpret_cast_19[0] [%35] [1] : memref<256xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
          %subview_20 = memref.subview %alloc[0] [%35] [1] : memref<256xf32> to memref<?xf32, strided<[1]>>
          memref.copy %subview, %subview_20 : memref<?xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1]>>
          %37 = bufferization.to_tensor %alloc restrict writable : memref<256xf32>
          %reinterpret_cast_21 = memref.reinterpret_cast %arg4 to offset: [%30], sizes: [256], strides: [1] : memref<?xf32> to memref<256xf32, strided<[1], offset: ?>>
          %alloc_22 = memref.alloc() : memref<256xf32>
          scf.if %36 {
            linalg.fill ins(%cst : f32) outs(%alloc_22 : memref<256xf32>)
          } {hivm.unlikely_condition}
          %subview_23 = memref.subview %reinterpret_cast_21[0] [%35] [1] : memref<256xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
          %subview_24 = memref.subview %alloc_22[0] [%35] [1] : memref<256xf32> to memref<?xf32, strided<[1]>>
          memref.copy %subview_23, %subview_24 : memref<?xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1]>>
          %38 = bufferization.to_tensor %alloc_22 restrict writable : memref<256xf32>
          %39 = arith.addi %7, %30 : index
          %reinterpret_cast_25 = memref.reinterpret_cast %arg2 to offset: [%39], sizes: [256], strides: [1] : memref<?xf32> to memref<256xf32, strided<[1], offset: ?>>
          %alloc_26 = memref.alloc() : memref<256xf32>
          scf.if %36 {
            linalg.fill ins(%cst : f32) outs(%alloc_26 : memref<256xf32>)
          } {hivm.unlikely_condition}
          %subview_27 = memref.subview %reinterpret_cast_25[0] [%35] [1] : memref<256xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
          %subview_28 = memref.subview %alloc_26[0] [%35] [1] : memref<256xf32> to memref<?xf32, strided<[1]>>
          memref.copy %subview_27, %subview_28 : memref<?xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1]>>
          %40 = bufferization.to_tensor %alloc_26 restrict writable : memref<256xf32>
          %41 = arith.addi %9, %30 : index
          %reinterpret_cast_29 = memref.reinterpret_cast %arg5 to offset: [%41], sizes: [256], strides: [1] : memref<?xf32> to memref<256xf32, strided<[1], offset: ?>>
          %42 = arith.subf %40, %21 : tensor<256xf32>
          %43 = arith.mulf %42, %29 : tensor<256xf32>
          %44 = arith.mulf %43, %37 : tensor<256xf32>
          %45 = arith.addf %44, %38 : tensor<256xf32>
          %extracted_slice = tensor.extract_slice %45[0] [%35] [1] : tensor<256xf32> to tensor<?xf32>
          %subview_30 = memref.subview %reinterpret_cast_29[0] [%35] [1] : memref<256xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
          bufferization.materialize_in_destination %extracted_slice in writable %subview_30 : (tensor<?xf32>, memref<?xf32, strided<[1], offset: ?>>) -> ()
        }
      }
    } else {
      scf.for %arg20 = %c0_i32 to %arg10 step %c256_i32  : i32 {
        %11 = arith.index_cast %arg20 : i32 to index
        %12 = arith.addi %9, %11 : index
        %reinterpret_cast_1 = memref.reinterpret_cast %arg5 to offset: [%12], sizes: [256], strides: [1] : memref<?xf32> to memref<256xf32, strided<[1], offset: ?>>
        %13 = arith.addi %11, %c256 : index
        %14 = arith.index_cast %arg10 : i32 to index
        %15 = arith.maxsi %11, %14 : index
        %16 = arith.minsi %13, %15 : index
        %17 = arith.subi %16, %11 : index
        %extracted_slice = tensor.extract_slice %3[0] [%17] [1] : tensor<256xf32> to tensor<?xf32>
        %subview = memref.subview %reinterpret_cast_1[0] [%17] [1] : memref<256xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[1], offset: ?>>
        bufferization.materialize_in_destination %extracted_slice in writable %subview : (tensor<?xf32>, memref<?xf32, strided<[1], offset: ?>>) -> ()
      }
    }
    return
  }
}

