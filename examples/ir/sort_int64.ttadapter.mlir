module {
  func.func @sort_keys(%arg0: memref<?xi8>, %arg1: memref<?xi8>, %arg2: memref<?xi64> {tt.tensor_kind = 0 : i32}, %arg3: memref<?xi64> {tt.tensor_kind = 1 : i32}, %arg4: i32, %arg5: i32, %arg6: i32, %arg7: i32, %arg8: i32, %arg9: i32) attributes {SyncBlockLockArgIdx = 0 : i64, WorkspaceArgIdx = 1 : i64, global_kernel = "local", mix_mode = "aiv", parallel_mode = "simd"} {
    %false = arith.constant false
    %c0_i64 = arith.constant 0 : i64
    %reinterpret_cast = memref.reinterpret_cast %arg3 to offset: [0], sizes: [256], strides: [1] : memref<?xi64> to memref<256xi64, strided<[1]>>
    %reinterpret_cast_0 = memref.reinterpret_cast %arg2 to offset: [0], sizes: [256], strides: [1] : memref<?xi64> to memref<256xi64, strided<[1]>>
    %alloc = memref.alloc() : memref<256xi64>
    memref.copy %reinterpret_cast_0, %alloc : memref<256xi64, strided<[1]>> to memref<256xi64>
    %0 = bufferization.to_tensor %alloc restrict writable : memref<256xi64>
    %1 = call @triton_sort(%0, %c0_i64, %false) : (tensor<256xi64>, i64, i1) -> tensor<256xi64>
    bufferization.materialize_in_destination %1 in writable %reinterpret_cast : (tensor<256xi64>, memref<256xi64, strided<[1]>>) -> ()
    return
  }
  func.func private @triton_sort(tensor<256xi64>, i64, i1) -> tensor<256xi64>
}

