"builtin.module"() ({
  "func.func"() <{function_type = (i32, i1) -> i32, sym_name = "branches"}> ({
  ^bb0(%arg0: i32, %arg1: i1):
    %0 = "arith.constant"() <{value = 7 : i32}> : () -> i32
    "cf.cond_br"(%arg1, %0, %arg0)[^bb1, ^bb2] <{operandSegmentSizes = array<i32: 1, 1, 1>}> : (i1, i32, i32) -> ()
  ^bb1(%1: i32):
    %2 = "arith.muli"(%1, %1) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
    "cf.br"(%2)[^bb3] : (i32) -> ()
  ^bb2(%3: i32):
    %4 = "arith.addi"(%3, %0) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
    "func.return"(%4) : (i32) -> ()
  ^bb3(%5: i32):
    "func.return"(%5) : (i32) -> ()
  }) : () -> ()
}) : () -> ()
