// REDUCER-SIGNATURE: {"class": "resource-limit", "detail": "", "failing_pass": "hivm-plan-memory", "frames": [], "id": "1a63f94adfa5", "message": "ub overflow, requires <N> bits while <N> bits available! (possible reason: tiling basic block is too large or block number is more than what user expect due to multi-buffer feature is enabled and some ops need extra local buffer.)", "options": {"compile_on_910_95": false, "enable_auto_bind_sub_block": true, "enable_linearize": false, "enable_nd2nz_on_vector": false, "enable_select_analysis": false, "force_simt_template": false, "multibuffer": true, "named_ops": true, "target": "Ascend910B3"}, "outcome": "resource-limit", "resource": {"available_bits": 1572864, "kind": "ub", "ratio": 1.333, "requires_bits": 2097152}, "stage": "bishengir", "strict_id": "c8184fd9ea9f", "target": "Ascend910B3", "title": "bishengir-compile: resource limit (the kernel's config does not fit the target) in hivm-plan-memory: ub overflow, requires <N> bits while <N> bits available! (possible reason: tiling basic block is too large or\u2026", "tool_version": "1.2.0 (8796a8ac1508 2026-07-29)", "versions": {"ascendnpu-ir": "1.2.0", "triton-ascend": "3.2.0"}}
// REQUIRES: bishengir-compile
// NOTE: resource limit (UB needs 2097152 bits, 1572864 available (1.333x)): the kernel's config does not fit the target; not a compiler bug
// RUN: not bishengir-compile %s --target=Ascend910B3 --enable-auto-multi-buffer=True --enable-auto-bind-sub-block=True --enable-hfusion-compile=true --enable-hivm-compile=true --enable-triton-kernel-compile=true -o %t 2>&1 | FileCheck %s
// CHECK: error: ub overflow, requires {{.*}} bits while {{.*}} bits available! (possible reason: tiling basic block is too large or block number is more than what user expect due to multi-buffer feature is enabled and some ops need extra local buffer.)

func.func @fused_elementwise(%arg0: memref<65536xf32, strided<[1], offset: ?>>) {
  %alloc = memref.alloc() : memref<65536xf32>
  memref.copy %arg0, %alloc : memref<65536xf32, strided<[1], offset: ?>> to memref<65536xf32>
  return
}
