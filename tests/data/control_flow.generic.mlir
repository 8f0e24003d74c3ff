"builtin.module"() ({
  "tt.func"() <{arg_attrs = [{tt.divisibility = 16 : i32}, {tt.divisibility = 16 : i32}, {}], function_type = (!tt.ptr<f32>, !tt.ptr<f32>, i32) -> (), sym_name = "kernel", sym_visibility = "public"}> ({
  ^bb0(%arg0: !tt.ptr<f32>, %arg1: !tt.ptr<f32>, %arg2: i32):
    %0 = "arith.constant"() <{value = 0 : i32}> : () -> i32
    %1 = "arith.constant"() <{value = 1 : i32}> : () -> i32
    %2 = "arith.constant"() <{value = 8 : i32}> : () -> i32
    %3 = "arith.constant"() <{value = dense<[0, 1, 2, 3]> : tensor<4xi32>}> : () -> tensor<4xi32>
    %4 = "arith.constant"() <{value = dense<1.500000e+00> : tensor<64xf32>}> : () -> tensor<64xf32>
    %5 = "tt.get_program_id"() <{axis = 0 : i32}> : () -> i32
    %6 = "tt.make_range"() <{end = 64 : i32, start = 0 : i32}> : () -> tensor<64xi32>
    %7 = "tt.splat"(%arg0) : (!tt.ptr<f32>) -> tensor<64x!tt.ptr<f32>>
    %8 = "tt.addptr"(%7, %6) : (tensor<64x!tt.ptr<f32>>, tensor<64xi32>) -> tensor<64x!tt.ptr<f32>>
    %9 = "tt.load"(%8) <{boundaryCheck = array<i32>, cache = 1 : i32, evict = 1 : i32, isVolatile = false, operandSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<64x!tt.ptr<f32>>) -> tensor<64xf32>
    %10 = "scf.for"(%0, %2, %1, %9) ({
    ^bb0(%arg3: i32, %arg4: tensor<64xf32>):
      %11 = "arith.mulf"(%arg4, %4) <{fastmath = #arith.fastmath<none>}> : (tensor<64xf32>, tensor<64xf32>) -> tensor<64xf32>
      "scf.yield"(%11) : (tensor<64xf32>) -> ()
    }) : (i32, i32, i32, tensor<64xf32>) -> tensor<64xf32>
    %12 = "arith.cmpi"(%5, %arg2) <{predicate = 2 : i64}> : (i32, i32) -> i1
    %13 = "scf.if"(%12) ({
      %14 = "arith.addf"(%10, %4) <{fastmath = #arith.fastmath<none>}> : (tensor<64xf32>, tensor<64xf32>) -> tensor<64xf32>
      "scf.yield"(%14) : (tensor<64xf32>) -> ()
    }, {
      %15 = "tt.call"(%10) <{callee = @helper}> : (tensor<64xf32>) -> tensor<64xf32>
      "scf.yield"(%15) : (tensor<64xf32>) -> ()
    }) : (i1) -> tensor<64xf32>
    %16 = "scf.while"(%0) ({
    ^bb0(%arg5: i32):
      %17 = "arith.cmpi"(%arg5, %arg2) <{predicate = 2 : i64}> : (i32, i32) -> i1
      "scf.condition"(%17, %arg5) : (i1, i32) -> ()
    }, {
    ^bb0(%arg6: i32):
      %18 = "arith.addi"(%arg6, %1) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
      "scf.yield"(%18) : (i32) -> ()
    }) : (i32) -> i32
    %19 = "tt.splat"(%arg1) : (!tt.ptr<f32>) -> tensor<64x!tt.ptr<f32>>
    %20 = "tt.splat"(%16) : (i32) -> tensor<64xi32>
    %21 = "tt.addptr"(%19, %20) : (tensor<64x!tt.ptr<f32>>, tensor<64xi32>) -> tensor<64x!tt.ptr<f32>>
    "tt.store"(%21, %13) <{boundaryCheck = array<i32>, cache = 1 : i32, evict = 1 : i32}> : (tensor<64x!tt.ptr<f32>>, tensor<64xf32>) -> ()
    "tt.return"() : () -> ()
  }) {noinline = false} : () -> ()
  "tt.func"() <{function_type = (tensor<64xf32>) -> tensor<64xf32>, sym_name = "helper", sym_visibility = "private"}> ({
  ^bb0(%arg0: tensor<64xf32>):
    %0 = "math.exp"(%arg0) <{fastmath = #arith.fastmath<none>}> : (tensor<64xf32>) -> tensor<64xf32>
    "tt.return"(%0) : (tensor<64xf32>) -> ()
  }) {noinline = true} : () -> ()
  "tt.func"() <{function_type = (i32) -> i32, sym_name = "unused", sym_visibility = "private"}> ({
  ^bb0(%arg0: i32):
    "tt.return"(%arg0) : (i32) -> ()
  }) {noinline = true} : () -> ()
}) : () -> ()
