"""A small LLM-serving op library written for reducer's end-to-end tests: Triton kernels behind Python wrappers
that take torch tensors, in several modules, the way serving projects organise them (norms, activations,
rotary embeddings, GEMMs, sampling, KV cache, quantisation). Some of them hit known triton-ascend problems."""
