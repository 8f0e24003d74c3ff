"builtin.module"() ({
  "tt.func"() <{function_type = (!tt.ptr<f16>, !tt.ptr<f16>, !tt.ptr<f16>, i32, i32, i32, i32, i32, i32, i32, i32, i32) -> (), sym_name = "matmul", sym_visibility = "public"}> ({
  ^bb0(%arg0: !tt.ptr<f16>, %arg1: !tt.ptr<f16>, %arg2: !tt.ptr<f16>, %arg3: i32, %arg4: i32, %arg5: i32, %arg6: i32, %arg7: i32, %arg8: i32, %arg9: i32, %arg10: i32, %arg11: i32):
    %0 = "arith.constant"() <{value = 1.000000e+00 : f16}> : () -> f16
    %1 = "arith.constant"() <{value = 0.000000e+00 : f16}> : () -> f16
    %2 = "arith.constant"() <{value = dense<0.000000e+00> : tensor<32x64xf16>}> : () -> tensor<32x64xf16>
    %3 = "arith.constant"() <{value = dense<0.000000e+00> : tensor<64x32xf16>}> : () -> tensor<64x32xf16>
    %4 = "arith.constant"() <{value = 1 : i32}> : () -> i32
    %5 = "arith.constant"() <{value = 0 : i32}> : () -> i32
    %6 = "arith.constant"() <{value = 31 : i32}> : () -> i32
    %7 = "arith.constant"() <{value = 63 : i32}> : () -> i32
    %8 = "arith.constant"() <{value = dense<2.000000e+00> : tensor<64x64xf32>}> : () -> tensor<64x64xf32>
    %9 = "arith.constant"() <{value = dense<0.000000e+00> : tensor<64x64xf32>}> : () -> tensor<64x64xf32>
    %10 = "arith.constant"() <{value = 32 : i32}> : () -> i32
    %11 = "arith.constant"() <{value = 64 : i32}> : () -> i32
    %12 = "tt.get_program_id"() <{axis = 0 : i32}> : () -> i32
    %13 = "arith.addi"(%arg4, %7) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
    %14 = "arith.divsi"(%13, %11) : (i32, i32) -> i32
    %15 = "arith.divsi"(%12, %14) : (i32, i32) -> i32
    %16 = "arith.remsi"(%12, %14) : (i32, i32) -> i32
    %17 = "arith.muli"(%15, %11) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
    %18 = "tt.make_range"() <{end = 64 : i32, start = 0 : i32}> : () -> tensor<64xi32>
    %19 = "tt.splat"(%17) : (i32) -> tensor<64xi32>
    %20 = "arith.addi"(%19, %18) <{overflowFlags = #arith.overflow<none>}> : (tensor<64xi32>, tensor<64xi32>) -> tensor<64xi32>
    %21 = "arith.muli"(%16, %11) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
    %22 = "tt.splat"(%21) : (i32) -> tensor<64xi32>
    %23 = "arith.addi"(%22, %18) <{overflowFlags = #arith.overflow<none>}> : (tensor<64xi32>, tensor<64xi32>) -> tensor<64xi32>
    %24 = "tt.make_range"() <{end = 32 : i32, start = 0 : i32}> : () -> tensor<32xi32>
    %25 = "tt.expand_dims"(%20) <{axis = 1 : i32}> : (tensor<64xi32>) -> tensor<64x1xi32>
    %26 = "tt.splat"(%arg6) : (i32) -> tensor<64x1xi32>
    %27 = "arith.muli"(%25, %26) <{overflowFlags = #arith.overflow<none>}> : (tensor<64x1xi32>, tensor<64x1xi32>) -> tensor<64x1xi32>
    %28 = "tt.splat"(%arg0) : (!tt.ptr<f16>) -> tensor<64x1x!tt.ptr<f16>>
    %29 = "tt.addptr"(%28, %27) : (tensor<64x1x!tt.ptr<f16>>, tensor<64x1xi32>) -> tensor<64x1x!tt.ptr<f16>>
    %30 = "tt.expand_dims"(%24) <{axis = 0 : i32}> : (tensor<32xi32>) -> tensor<1x32xi32>
    %31 = "tt.splat"(%arg7) : (i32) -> tensor<1x32xi32>
    %32 = "arith.muli"(%30, %31) <{overflowFlags = #arith.overflow<none>}> : (tensor<1x32xi32>, tensor<1x32xi32>) -> tensor<1x32xi32>
    %33 = "tt.broadcast"(%29) : (tensor<64x1x!tt.ptr<f16>>) -> tensor<64x32x!tt.ptr<f16>>
    %34 = "tt.broadcast"(%32) : (tensor<1x32xi32>) -> tensor<64x32xi32>
    %35 = "tt.addptr"(%33, %34) : (tensor<64x32x!tt.ptr<f16>>, tensor<64x32xi32>) -> tensor<64x32x!tt.ptr<f16>>
    %36 = "tt.expand_dims"(%24) <{axis = 1 : i32}> : (tensor<32xi32>) -> tensor<32x1xi32>
    %37 = "tt.splat"(%arg8) : (i32) -> tensor<32x1xi32>
    %38 = "arith.muli"(%36, %37) <{overflowFlags = #arith.overflow<none>}> : (tensor<32x1xi32>, tensor<32x1xi32>) -> tensor<32x1xi32>
    %39 = "tt.splat"(%arg1) : (!tt.ptr<f16>) -> tensor<32x1x!tt.ptr<f16>>
    %40 = "tt.addptr"(%39, %38) : (tensor<32x1x!tt.ptr<f16>>, tensor<32x1xi32>) -> tensor<32x1x!tt.ptr<f16>>
    %41 = "tt.expand_dims"(%23) <{axis = 0 : i32}> : (tensor<64xi32>) -> tensor<1x64xi32>
    %42 = "tt.splat"(%arg9) : (i32) -> tensor<1x64xi32>
    %43 = "arith.muli"(%41, %42) <{overflowFlags = #arith.overflow<none>}> : (tensor<1x64xi32>, tensor<1x64xi32>) -> tensor<1x64xi32>
    %44 = "tt.broadcast"(%40) : (tensor<32x1x!tt.ptr<f16>>) -> tensor<32x64x!tt.ptr<f16>>
    %45 = "tt.broadcast"(%43) : (tensor<1x64xi32>) -> tensor<32x64xi32>
    %46 = "tt.addptr"(%44, %45) : (tensor<32x64x!tt.ptr<f16>>, tensor<32x64xi32>) -> tensor<32x64x!tt.ptr<f16>>
    %47 = "arith.addi"(%arg5, %6) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
    %48 = "arith.divsi"(%47, %10) : (i32, i32) -> i32
    %49 = "arith.muli"(%arg7, %10) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
    %50 = "tt.splat"(%49) : (i32) -> tensor<64x32xi32>
    %51 = "arith.muli"(%arg8, %10) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
    %52 = "tt.splat"(%51) : (i32) -> tensor<32x64xi32>
    %53:3 = "scf.for"(%5, %48, %4, %9, %35, %46) ({
    ^bb0(%arg12: i32, %arg13: tensor<64x64xf32>, %arg14: tensor<64x32x!tt.ptr<f16>>, %arg15: tensor<32x64x!tt.ptr<f16>>):
      %76 = "arith.muli"(%arg12, %10) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
      %77 = "arith.subi"(%arg5, %76) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
      %78 = "tt.splat"(%77) : (i32) -> tensor<1x32xi32>
      %79 = "arith.cmpi"(%30, %78) <{predicate = 2 : i64}> : (tensor<1x32xi32>, tensor<1x32xi32>) -> tensor<1x32xi1>
      %80 = "tt.broadcast"(%79) : (tensor<1x32xi1>) -> tensor<64x32xi1>
      %81 = "tt.load"(%arg14, %80, %3) <{boundaryCheck = array<i32>, cache = 1 : i32, evict = 1 : i32, isVolatile = false, operandSegmentSizes = array<i32: 1, 1, 1>}> : (tensor<64x32x!tt.ptr<f16>>, tensor<64x32xi1>, tensor<64x32xf16>) -> tensor<64x32xf16>
      %82 = "tt.splat"(%77) : (i32) -> tensor<32x1xi32>
      %83 = "arith.cmpi"(%36, %82) <{predicate = 2 : i64}> : (tensor<32x1xi32>, tensor<32x1xi32>) -> tensor<32x1xi1>
      %84 = "tt.broadcast"(%83) : (tensor<32x1xi1>) -> tensor<32x64xi1>
      %85 = "tt.load"(%arg15, %84, %2) <{boundaryCheck = array<i32>, cache = 1 : i32, evict = 1 : i32, isVolatile = false, operandSegmentSizes = array<i32: 1, 1, 1>}> : (tensor<32x64x!tt.ptr<f16>>, tensor<32x64xi1>, tensor<32x64xf16>) -> tensor<32x64xf16>
      %86 = "tt.dot"(%81, %85, %arg13) <{inputPrecision = 2 : i32, maxNumImpreciseAcc = 0 : i32}> : (tensor<64x32xf16>, tensor<32x64xf16>, tensor<64x64xf32>) -> tensor<64x64xf32>
      %87 = "tt.addptr"(%arg14, %50) : (tensor<64x32x!tt.ptr<f16>>, tensor<64x32xi32>) -> tensor<64x32x!tt.ptr<f16>>
      %88 = "tt.addptr"(%arg15, %52) : (tensor<32x64x!tt.ptr<f16>>, tensor<32x64xi32>) -> tensor<32x64x!tt.ptr<f16>>
      "scf.yield"(%86, %87, %88) : (tensor<64x64xf32>, tensor<64x32x!tt.ptr<f16>>, tensor<32x64x!tt.ptr<f16>>) -> ()
    }) : (i32, i32, i32, tensor<64x64xf32>, tensor<64x32x!tt.ptr<f16>>, tensor<32x64x!tt.ptr<f16>>) -> (tensor<64x64xf32>, tensor<64x32x!tt.ptr<f16>>, tensor<32x64x!tt.ptr<f16>>)
    %54 = "tt.splat"(%arg10) : (i32) -> tensor<64x1xi32>
    %55 = "arith.muli"(%25, %54) <{overflowFlags = #arith.overflow<none>}> : (tensor<64x1xi32>, tensor<64x1xi32>) -> tensor<64x1xi32>
    %56 = "tt.splat"(%arg2) : (!tt.ptr<f16>) -> tensor<64x1x!tt.ptr<f16>>
    %57 = "tt.addptr"(%56, %55) : (tensor<64x1x!tt.ptr<f16>>, tensor<64x1xi32>) -> tensor<64x1x!tt.ptr<f16>>
    %58 = "tt.splat"(%arg11) : (i32) -> tensor<1x64xi32>
    %59 = "arith.muli"(%41, %58) <{overflowFlags = #arith.overflow<none>}> : (tensor<1x64xi32>, tensor<1x64xi32>) -> tensor<1x64xi32>
    %60 = "tt.broadcast"(%57) : (tensor<64x1x!tt.ptr<f16>>) -> tensor<64x64x!tt.ptr<f16>>
    %61 = "tt.broadcast"(%59) : (tensor<1x64xi32>) -> tensor<64x64xi32>
    %62 = "tt.addptr"(%60, %61) : (tensor<64x64x!tt.ptr<f16>>, tensor<64x64xi32>) -> tensor<64x64x!tt.ptr<f16>>
    %63 = "tt.splat"(%arg3) : (i32) -> tensor<64x1xi32>
    %64 = "arith.cmpi"(%25, %63) <{predicate = 2 : i64}> : (tensor<64x1xi32>, tensor<64x1xi32>) -> tensor<64x1xi1>
    %65 = "tt.splat"(%arg4) : (i32) -> tensor<1x64xi32>
    %66 = "arith.cmpi"(%41, %65) <{predicate = 2 : i64}> : (tensor<1x64xi32>, tensor<1x64xi32>) -> tensor<1x64xi1>
    %67 = "tt.broadcast"(%64) : (tensor<64x1xi1>) -> tensor<64x64xi1>
    %68 = "tt.broadcast"(%66) : (tensor<1x64xi1>) -> tensor<64x64xi1>
    %69 = "arith.andi"(%67, %68) : (tensor<64x64xi1>, tensor<64x64xi1>) -> tensor<64x64xi1>
    %70 = "tt.load"(%arg0) <{boundaryCheck = array<i32>, cache = 1 : i32, evict = 1 : i32, isVolatile = false, operandSegmentSizes = array<i32: 1, 0, 0>}> : (!tt.ptr<f16>) -> f16
    %71 = "arith.cmpf"(%70, %1) <{fastmath = #arith.fastmath<none>, predicate = 2 : i64}> : (f16, f16) -> i1
    "scf.if"(%71) ({
      %72 = "arith.cmpf"(%70, %0) <{fastmath = #arith.fastmath<none>, predicate = 2 : i64}> : (f16, f16) -> i1
      %73 = "scf.if"(%72) ({
        %75 = "arith.mulf"(%53#0, %8) <{fastmath = #arith.fastmath<none>}> : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
        "scf.yield"(%75) : (tensor<64x64xf32>) -> ()
      }, {
        "scf.yield"(%53#0) : (tensor<64x64xf32>) -> ()
      }) : (i1) -> tensor<64x64xf32>
      %74 = "arith.truncf"(%73) : (tensor<64x64xf32>) -> tensor<64x64xf16>
      "tt.store"(%62, %74, %69) <{boundaryCheck = array<i32>, cache = 1 : i32, evict = 1 : i32}> : (tensor<64x64x!tt.ptr<f16>>, tensor<64x64xf16>, tensor<64x64xi1>) -> ()
      "scf.yield"() : () -> ()
    }, {
    }) : (i1) -> ()
    "tt.return"() : () -> ()
  }) {noinline = false} : () -> ()
}) : () -> ()

