"builtin.module"() ({
  "tt.func"() <{function_type = (!tt.ptr<f32>, !tt.ptr<f32>, !tt.ptr<f32>, !tt.ptr<f32>, !tt.ptr<i32>, i32, i32, f32, i32) -> (), sym_name = "fused_norm", sym_visibility = "public"}> ({
  ^bb0(%arg1: !tt.ptr<f32>, %arg2: !tt.ptr<f32>, %arg3: !tt.ptr<f32>, %arg4: !tt.ptr<f32>, %arg5: !tt.ptr<i32>, %arg6: i32, %arg7: i32, %arg8: f32, %arg9: i32):
    %4 = "arith.constant"() <{value = dense<5.000000e-01> : tensor<128xf32>}> : () -> tensor<128xf32>
    %5 = "arith.constant"() <{value = 2 : i32}> : () -> i32
    %6 = "arith.constant"() <{value = 1 : i32}> : () -> i32
    %7 = "arith.constant"() <{value = 0 : i32}> : () -> i32
    %8 = "arith.constant"() <{value = 0 : i64}> : () -> i64
    %9 = "arith.constant"() <{value = 4 : i32}> : () -> i32
    %10 = "arith.constant"() <{value = dense<0.000000e+00> : tensor<128xf32>}> : () -> tensor<128xf32>
    %11 = "arith.constant"() <{value = dense<1.000000e+00> : tensor<128xf32>}> : () -> tensor<128xf32>
    %12 = "arith.constant"() <{value = 1.000000e+00 : f32}> : () -> f32
    %13 = "tt.get_program_id"() <{axis = 0 : i32}> : () -> i32
    %14 = "tt.make_range"() <{end = 128 : i32, start = 0 : i32}> : () -> tensor<128xi32>
    %15 = "tt.splat"(%arg7) : (i32) -> tensor<128xi32>
    %16 = "arith.cmpi"(%14, %15) <{predicate = 2 : i64}> : (tensor<128xi32>, tensor<128xi32>) -> tensor<128xi1>
    %17 = "tt.splat"(%arg2) : (!tt.ptr<f32>) -> tensor<128x!tt.ptr<f32>>
    %18 = "tt.addptr"(%17, %14) : (tensor<128x!tt.ptr<f32>>, tensor<128xi32>) -> tensor<128x!tt.ptr<f32>>
    %19 = "tt.load"(%18, %16, %11) <{boundaryCheck = array<i32>, cache = 1 : i32, evict = 1 : i32, isVolatile = false, operandSegmentSizes = array<i32: 1, 1, 1>}> : (tensor<128x!tt.ptr<f32>>, tensor<128xi1>, tensor<128xf32>) -> tensor<128xf32>
    %20 = "tt.splat"(%arg3) : (!tt.ptr<f32>) -> tensor<128x!tt.ptr<f32>>
    %21 = "tt.addptr"(%20, %14) : (tensor<128x!tt.ptr<f32>>, tensor<128xi32>) -> tensor<128x!tt.ptr<f32>>
    %22 = "tt.load"(%21, %16, %10) <{boundaryCheck = array<i32>, cache = 1 : i32, evict = 1 : i32, isVolatile = false, operandSegmentSizes = array<i32: 1, 1, 1>}> : (tensor<128x!tt.ptr<f32>>, tensor<128xi1>, tensor<128xf32>) -> tensor<128xf32>
    %23 = "arith.muli"(%13, %9) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
    %24 = "arith.extsi"(%arg6) : (i32) -> i64
    %25 = "arith.extsi"(%arg7) : (i32) -> i64
    %26 = "arith.extsi"(%arg9) : (i32) -> i64
    %27 = "tt.make_tensor_ptr"(%arg1, %24, %25, %26, %8, %23, %7) <{order = array<i32: 1, 0>}> : (!tt.ptr<f32>, i64, i64, i64, i64, i32, i32) -> !tt.ptr<tensor<4x128xf32>>
    %28 = "tt.load"(%27) <{boundaryCheck = array<i32: 0, 1>, cache = 1 : i32, evict = 1 : i32, isVolatile = false, operandSegmentSizes = array<i32: 1, 0, 0>, padding = 1 : i32}> : (!tt.ptr<tensor<4x128xf32>>) -> tensor<4x128xf32>
    %29 = "arith.sitofp"(%arg7) : (i32) -> f32
    %30 = "scf.for"(%7, %9, %6, %10) ({
    ^bb0(%arg22: i32, %arg23: tensor<128xf32>):
      %77 = "arith.addi"(%23, %arg22) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
      %78 = "arith.cmpi"(%77, %arg6) <{predicate = 2 : i64}> : (i32, i32) -> i1
      %79 = "tt.splat"(%78) : (i1) -> tensor<128xi1>
      %80 = "arith.andi"(%16, %79) : (tensor<128xi1>, tensor<128xi1>) -> tensor<128xi1>
      %81 = "arith.muli"(%77, %arg9) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
      %82 = "tt.addptr"(%arg1, %81) : (!tt.ptr<f32>, i32) -> !tt.ptr<f32>
      %83 = "tt.splat"(%82) : (!tt.ptr<f32>) -> tensor<128x!tt.ptr<f32>>
      %84 = "tt.addptr"(%83, %14) : (tensor<128x!tt.ptr<f32>>, tensor<128xi32>) -> tensor<128x!tt.ptr<f32>>
      %85 = "tt.load"(%84, %80, %10) <{boundaryCheck = array<i32>, cache = 1 : i32, evict = 1 : i32, isVolatile = false, operandSegmentSizes = array<i32: 1, 1, 1>}> : (tensor<128x!tt.ptr<f32>>, tensor<128xi1>, tensor<128xf32>) -> tensor<128xf32>
      %86 = "tt.reduce"(%85) <{axis = 0 : i32}> ({
      ^bb0(%arg26: f32, %arg27: f32):
        %109 = "arith.addf"(%arg26, %arg27) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
        "tt.reduce.return"(%109) : (f32) -> ()
      }) : (tensor<128xf32>) -> f32
      %87 = "arith.divf"(%86, %29) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      %88 = "tt.splat"(%87) : (f32) -> tensor<128xf32>
      %89 = "arith.subf"(%85, %88) <{fastmath = #arith.fastmath<none>}> : (tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
      %90 = "arith.select"(%16, %89, %10) : (tensor<128xi1>, tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
      %91 = "arith.mulf"(%90, %90) <{fastmath = #arith.fastmath<none>}> : (tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
      %92 = "tt.reduce"(%91) <{axis = 0 : i32}> ({
      ^bb0(%arg24: f32, %arg25: f32):
        %108 = "arith.addf"(%arg24, %arg25) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
        "tt.reduce.return"(%108) : (f32) -> ()
      }) : (tensor<128xf32>) -> f32
      %93 = "arith.divf"(%92, %29) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      %94 = "arith.addf"(%93, %arg8) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      %95 = "math.sqrt"(%94) <{fastmath = #arith.fastmath<none>}> : (f32) -> f32
      %96 = "arith.divf"(%12, %95) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      %97 = "tt.splat"(%96) : (f32) -> tensor<128xf32>
      %98 = "arith.mulf"(%90, %97) <{fastmath = #arith.fastmath<none>}> : (tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
      %99 = "arith.mulf"(%98, %19) <{fastmath = #arith.fastmath<none>}> : (tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
      %100 = "arith.addf"(%99, %22) <{fastmath = #arith.fastmath<none>}> : (tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
      %101 = "tt.call"(%96) <{callee = @_clampf__fp32__1cconstexpr_0_d_25_}> : (f32) -> f32
      %102 = "tt.splat"(%101) : (f32) -> tensor<128xf32>
      %103 = "arith.mulf"(%100, %102) <{fastmath = #arith.fastmath<none>}> : (tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
      %104 = "arith.addf"(%arg23, %103) <{fastmath = #arith.fastmath<none>}> : (tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
      %105 = "tt.addptr"(%arg4, %81) : (!tt.ptr<f32>, i32) -> !tt.ptr<f32>
      %106 = "tt.splat"(%105) : (!tt.ptr<f32>) -> tensor<128x!tt.ptr<f32>>
      %107 = "tt.addptr"(%106, %14) : (tensor<128x!tt.ptr<f32>>, tensor<128xi32>) -> tensor<128x!tt.ptr<f32>>
      "tt.store"(%107, %103, %80) <{boundaryCheck = array<i32>, cache = 1 : i32, evict = 1 : i32}> : (tensor<128x!tt.ptr<f32>>, tensor<128xf32>, tensor<128xi1>) -> ()
      "scf.yield"(%104) : (tensor<128xf32>) -> ()
    }) : (i32, i32, i32, tensor<128xf32>) -> tensor<128xf32>
    %31 = "tt.addptr"(%arg5, %13) : (!tt.ptr<i32>, i32) -> !tt.ptr<i32>
    %32 = "tt.load"(%31) <{boundaryCheck = array<i32>, cache = 1 : i32, evict = 1 : i32, isVolatile = false, operandSegmentSizes = array<i32: 1, 0, 0>}> : (!tt.ptr<i32>) -> i32
    %33 = "tt.reduce"(%28) <{axis = 0 : i32}> ({
    ^bb0(%arg20: f32, %arg21: f32):
      %76 = "arith.addf"(%arg20, %arg21) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "tt.reduce.return"(%76) : (f32) -> ()
    }) : (tensor<4x128xf32>) -> tensor<128xf32>
    %34 = "arith.cmpi"(%32, %7) <{predicate = 4 : i64}> : (i32, i32) -> i1
    %35 = "scf.if"(%34) ({
      %72 = "arith.addf"(%30, %33) <{fastmath = #arith.fastmath<none>}> : (tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
      %73 = "arith.cmpi"(%32, %5) <{predicate = 4 : i64}> : (i32, i32) -> i1
      %74 = "scf.if"(%73) ({
        %75 = "math.exp"(%72) <{fastmath = #arith.fastmath<none>}> : (tensor<128xf32>) -> tensor<128xf32>
        "scf.yield"(%75) : (tensor<128xf32>) -> ()
      }, {
        "scf.yield"(%72) : (tensor<128xf32>) -> ()
      }) : (i1) -> tensor<128xf32>
      "scf.yield"(%74) : (tensor<128xf32>) -> ()
    }, {
      %71 = "arith.subf"(%30, %33) <{fastmath = #arith.fastmath<none>}> : (tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
      "scf.yield"(%71) : (tensor<128xf32>) -> ()
    }) : (i1) -> tensor<128xf32>
    %36:2 = "scf.while"(%35, %7) ({
    ^bb0(%arg18: tensor<128xf32>, %arg19: i32):
      %70 = "arith.cmpi"(%arg19, %32) <{predicate = 2 : i64}> : (i32, i32) -> i1
      "scf.condition"(%70, %arg18, %arg19) : (i1, tensor<128xf32>, i32) -> ()
    }, {
    ^bb0(%arg16: tensor<128xf32>, %arg17: i32):
      %68 = "arith.mulf"(%arg16, %4) <{fastmath = #arith.fastmath<none>}> : (tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
      %69 = "arith.addi"(%arg17, %6) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
      "scf.yield"(%68, %69) : (tensor<128xf32>, i32) -> ()
    }) : (tensor<128xf32>, i32) -> (tensor<128xf32>, i32)
    %37 = "scf.for"(%6, %9, %5, %36#0) ({
    ^bb0(%arg12: i32, %arg13: tensor<128xf32>):
      %50 = "tt.splat"(%arg12) : (i32) -> tensor<128xi32>
      %51 = "arith.muli"(%50, %14) <{overflowFlags = #arith.overflow<none>}> : (tensor<128xi32>, tensor<128xi32>) -> tensor<128xi32>
      %52 = "tt.addptr"(%17, %51) : (tensor<128x!tt.ptr<f32>>, tensor<128xi32>) -> tensor<128x!tt.ptr<f32>>
      %53 = "tt.load"(%52, %16, %10) <{boundaryCheck = array<i32>, cache = 1 : i32, evict = 1 : i32, isVolatile = false, operandSegmentSizes = array<i32: 1, 1, 1>}> : (tensor<128x!tt.ptr<f32>>, tensor<128xi1>, tensor<128xf32>) -> tensor<128xf32>
      %54 = "arith.maxnumf"(%53, %10) <{fastmath = #arith.fastmath<none>}> : (tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
      %55 = "arith.minnumf"(%arg13, %11) <{fastmath = #arith.fastmath<none>}> : (tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
      %56 = "arith.addf"(%54, %55) <{fastmath = #arith.fastmath<none>}> : (tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
      %57 = "arith.cmpf"(%56, %4) <{fastmath = #arith.fastmath<none>, predicate = 2 : i64}> : (tensor<128xf32>, tensor<128xf32>) -> tensor<128xi1>
      %58 = "arith.addf"(%56, %11) <{fastmath = #arith.fastmath<none>}> : (tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
      %59 = "math.log"(%58) <{fastmath = #arith.fastmath<none>}> : (tensor<128xf32>) -> tensor<128xf32>
      %60 = "math.absf"(%56) <{fastmath = #arith.fastmath<none>}> : (tensor<128xf32>) -> tensor<128xf32>
      %61 = "arith.select"(%57, %59, %60) : (tensor<128xi1>, tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
      %62 = "tt.scan"(%61) <{axis = 0 : i32, reverse = false}> ({
      ^bb0(%arg14: f32, %arg15: f32):
        %67 = "arith.addf"(%arg14, %arg15) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
        "tt.scan.return"(%67) : (f32) -> ()
      }) : (tensor<128xf32>) -> tensor<128xf32>
      %63 = "arith.sitofp"(%arg12) : (i32) -> f32
      %64 = "tt.splat"(%63) : (f32) -> tensor<128xf32>
      %65 = "arith.mulf"(%62, %64) <{fastmath = #arith.fastmath<none>}> : (tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
      %66 = "arith.addf"(%arg13, %65) <{fastmath = #arith.fastmath<none>}> : (tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
      "scf.yield"(%66) : (tensor<128xf32>) -> ()
    }) : (i32, i32, i32, tensor<128xf32>) -> tensor<128xf32>
    %38 = "tt.reduce"(%37) <{axis = 0 : i32}> ({
    ^bb0(%arg10: f32, %arg11: f32):
      %49 = "arith.maxnumf"(%arg10, %arg11) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "tt.reduce.return"(%49) : (f32) -> ()
    }) : (tensor<128xf32>) -> f32
    %39 = "arith.addf"(%38, %arg8) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
    %40 = "tt.splat"(%39) : (f32) -> tensor<128xf32>
    %41 = "arith.divf"(%37, %40) <{fastmath = #arith.fastmath<none>}> : (tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
    %42 = "arith.select"(%16, %41, %10) : (tensor<128xi1>, tensor<128xf32>, tensor<128xf32>) -> tensor<128xf32>
    %43 = "arith.truncf"(%42) : (tensor<128xf32>) -> tensor<128xf16>
    %44 = "arith.extf"(%43) : (tensor<128xf16>) -> tensor<128xf32>
    %45 = "arith.muli"(%arg6, %arg9) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
    %46 = "tt.addptr"(%arg4, %45) : (!tt.ptr<f32>, i32) -> !tt.ptr<f32>
    %47 = "tt.splat"(%46) : (!tt.ptr<f32>) -> tensor<128x!tt.ptr<f32>>
    %48 = "tt.addptr"(%47, %14) : (tensor<128x!tt.ptr<f32>>, tensor<128xi32>) -> tensor<128x!tt.ptr<f32>>
    "tt.store"(%48, %44, %16) <{boundaryCheck = array<i32>, cache = 1 : i32, evict = 1 : i32}> : (tensor<128x!tt.ptr<f32>>, tensor<128xf32>, tensor<128xi1>) -> ()
    "tt.return"() : () -> ()
  }) {noinline = false} : () -> ()
  "tt.func"() <{function_type = (f32) -> f32, sym_name = "_clampf__fp32__1cconstexpr_0_d_25_", sym_visibility = "private"}> ({
  ^bb0(%arg0: f32):
    %0 = "arith.constant"() <{value = 2.000000e+00 : f32}> : () -> f32
    %1 = "arith.constant"() <{value = 2.500000e-01 : f32}> : () -> f32
    %2 = "arith.maxnumf"(%arg0, %1) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
    %3 = "arith.mulf"(%2, %0) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
    "tt.return"(%3) : (f32) -> ()
  }) {noinline = true} : () -> ()
}) : () -> ()

