// hfusion.bitcast on buffers: convert-hfusion-to-hivm refuses it on purpose ("must be in Pure Tensor
// Semantics"), a diagnostic the pass means to give. Exported, it is a negative (-verify-diagnostics) test.
func.func @reinterpret_bits(%in: memref<16xf32>, %out: memref<16xi32>) {
  hfusion.bitcast ins(%in : memref<16xf32>) outs(%out : memref<16xi32>)
  return
}
