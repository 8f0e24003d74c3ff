// REDUCER-SIGNATURE: {"detail": "movedOps can not be empty before entering convertToSCF (else)!", "failing_pass": "TritonToLinalg", "frames": ["triton-adapter-opt+0x1fff4cf", "triton-adapter-opt+0xa1ba0e", "triton-adapter-opt+0xa1f54e", "triton-adapter-opt+0xa136c9", "triton-adapter-opt+0x1ae1296"], "id": "eece0eff20c7", "message": "Encounter unsupported control flow (UNREACHABLE at TritonToLinalgPass.cpp:475)", "options": {"compile_on_910_95": false, "enable_auto_bind_sub_block": true, "enable_linearize": false, "enable_nd2nz_on_vector": false, "enable_select_analysis": false, "force_simt_template": false, "multibuffer": true, "named_ops": true, "target": "Ascend910B3"}, "outcome": "unreachable", "stage": "adapter", "strict_id": "1bef485cbc66", "target": "Ascend910B3", "title": "triton-adapter-opt: UNREACHABLE executed in TritonToLinalg: Encounter unsupported control flow (UNREACHABLE at TritonToLinalgPass.cpp:475)", "tool_version": "LLVM 20.0.0git", "versions": {"ascendnpu-ir": "1.2.0", "triton-ascend": "3.2.0"}}
// REQUIRES: triton-adapter-opt
// RUN: not --crash triton-adapter-opt %s "--discrete-mask-access-conversion=compile-on-910-95=False force-simt-template=False" --triton-to-annotation "--triton-to-unstructure=compile-on-910-95=False force-simt-template=False" --triton-to-hivm --triton-to-hfusion --triton-to-llvm --bubble-up-operation "--triton-to-linalg=global-kernel=false named-ops=True enable-nd2nz-on-vector=False enable-select-analysis=False compile-on-910-95=False" -o %t 2>&1 | FileCheck %s
// CHECK: UNREACHABLE executed at {{.*}}TritonToLinalgPass.cpp:475

tt.func public @staged_update(%arg0: i1, %arg1: tensor<2xf32>, %arg2: tensor<2x!tt.ptr<f32>>) {
  cf.cond_br %arg0, ^bb1, ^bb3
^bb1:  // pred: ^bb0
  tt.store %arg2, %arg1 : tensor<2x!tt.ptr<f32>>
  cf.br ^bb3
^bb2:  // pred: ^bb3
  tt.return
^bb3:  // 2 preds: ^bb0, ^bb1
  cf.cond_br %arg0, ^bb2, ^bb4
^bb4:  // pred: ^bb3
  tt.store %arg2, %arg1 : tensor<2x!tt.ptr<f32>>
  tt.return
}
