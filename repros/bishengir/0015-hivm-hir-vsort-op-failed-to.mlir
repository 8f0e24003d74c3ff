// REDUCER-SIGNATURE: {"detail": "", "failing_pass": "convert-hfusion-to-hivm", "frames": [], "id": "76100d6e4fe2", "message": "'hivm.hir.vsort' op failed to verify that operand at idx <N> and <N> should have element type <N>-bit float or <N>-bit float", "options": {"compile_on_910_95": false, "enable_auto_bind_sub_block": true, "enable_linearize": false, "enable_nd2nz_on_vector": false, "enable_select_analysis": false, "force_simt_template": false, "multibuffer": true, "named_ops": true, "target": "Ascend910B3"}, "outcome": "diagnostic-error", "stage": "bishengir", "strict_id": "7de78095ddaa", "target": "Ascend910B3", "title": "bishengir-compile: error diagnostic in convert-hfusion-to-hivm: 'hivm.hir.vsort' op failed to verify that operand at idx <N> and <N> should have element type <N>-bit float o\u2026", "tool_version": "1.2.0 (8796a8ac1508 2026-07-29)", "versions": {"ascendnpu-ir": "1.2.0", "triton-ascend": "3.2.0"}}
// REQUIRES: bishengir-compile
// RUN: not bishengir-compile %s --target=Ascend910B3 --enable-auto-multi-buffer=True --enable-auto-bind-sub-block=True --enable-hfusion-compile=true --enable-hivm-compile=true --enable-triton-kernel-compile=true -o %t 2>&1 | FileCheck %s
// CHECK: error: 'hivm.hir.vsort' op failed to verify that operand at idx {{.*}} and {{.*}} should have element type {{.*}}-bit float or {{.*}}-bit float

func.func @sort_keys(%arg0: memref<2xi64, strided<[1]>>, %arg1: tensor<2xi64>) {
  %0 = hfusion.sort ins(%arg1 : tensor<2xi64>) descending = false sort_axis = 0 -> tensor<2xi64>
  bufferization.materialize_in_destination %0 in writable %arg0 : (tensor<2xi64>, memref<2xi64, strided<[1]>>) -> ()
  return
}
