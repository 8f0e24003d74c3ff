"""Causes within one signature: the op skeleton of a reduced repro, and how a sweep merges reductions."""

from __future__ import annotations

from reducer.failure.cause import skeleton
from reducer.sweep.groups import KNOWN, NEW, Group, apply_reductions

REDUCE = """module {
  func.func @k(%arg0: memref<32768xf32>) {
    %c0 = arith.constant 0 : index
    %0 = bufferization.to_tensor %arg0 : memref<32768xf32>
    %1 = linalg.reduce ins(%0 : tensor<32768xf32>) outs(%e : tensor<f32>) dimensions = [0]
    return
  }
}"""
MATMUL = """module {
  func.func @k(%a: memref<128x128xf16>) {
    %1 = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %t) -> (tensor<128x128xf32>) {
      %2 = linalg.matmul ins(%x, %y : tensor<128x128xf16>, tensor<128x128xf16>)
             outs(%acc : tensor<128x128xf32>) -> tensor<128x128xf32>
      scf.yield %2 : tensor<128x128xf32>
    }
    return
  }
}"""


def test_skeleton_keeps_what_the_repro_is_about() -> None:
    assert skeleton(REDUCE) == ("bufferization.to_tensor", "linalg.reduce")
    assert skeleton(MATMUL) == ("linalg.matmul", "scf.for")
    # Incidental arithmetic does not make another cause; generic form reads the same.
    assert skeleton(REDUCE.replace("arith.constant 0 : index", "arith.addi %a, %b : index")) == skeleton(REDUCE)
    assert skeleton('%0 = "linalg.reduce"(%1) ({\n}) : () -> ()\n"func.return"() : () -> ()') == ("linalg.reduce",)
    # Nothing but structure: the structure is the skeleton.
    assert skeleton("tt.func @k() {\n  tt.return\n}") == ("tt.func", "tt.return")
    assert skeleton(REDUCE) != skeleton(MATMUL)


def _group() -> Group:
    g = Group("s" * 12, "ub overflow", "resource-limit", "bishengir")
    for name, size in (("argmax", 100), ("mm_a", 200), ("mm_b", 300), ("other", 400)):
        g.kernels.add(name)
        g.by_kernel[name] = {"kernel": name, "path": f"{name}.ttadapter", "bytes": size, "options": {}}
    g.example = g.by_kernel["argmax"]
    return g


def test_reductions_ending_in_one_repro_are_one_cause() -> None:
    g = _group()
    assert [r["kernel"] for r in g.representatives(3)] == ["argmax", "mm_a", "mm_b"]
    apply_reductions(g, [
        {"id": g.id, "kernel": "argmax", "status": NEW, "repro": "r/0001.mlir", "ops": "80 -> 5", "tests": 10,
         "seconds": 3.0, "skeleton": ["linalg.reduce"]},
        {"id": g.id, "kernel": "mm_a", "status": NEW, "repro": "r/0002.mlir", "ops": "90 -> 7", "tests": 20,
         "seconds": 4.0, "skeleton": ["linalg.matmul", "scf.for"]},
        {"id": g.id, "kernel": "mm_b", "status": KNOWN, "repro": "r/0002.mlir", "ops": "120 -> 9", "tests": 30,
         "seconds": 5.0, "skeleton": ["linalg.matmul", "scf.for"]},
    ])
    assert [(c.kernels, c.repro) for c in g.causes] == [(["mm_a", "mm_b"], "r/0002.mlir"),
                                                        (["argmax"], "r/0001.mlir")]
    assert g.causes[0].status == NEW and g.causes[0].ops == "90 -> 7"  # the smaller of the two
    assert g.causes[0].tests == 50 and g.tests == 60
    assert g.status == NEW and "other" in g.note  # the kernel over the limit is named, not dropped


def test_unsaved_reductions_merge_by_skeleton() -> None:
    g = _group()
    apply_reductions(g, [
        {"id": g.id, "kernel": "mm_a", "status": "not reduced", "skeleton": ["linalg.matmul"], "ops": "9 -> 4"},
        {"id": g.id, "kernel": "mm_b", "status": "not reduced", "skeleton": ["linalg.matmul"], "ops": "9 -> 5"},
    ])
    assert len(g.causes) == 1 and g.causes[0].kernels == ["mm_a", "mm_b"]
