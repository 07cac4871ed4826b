"""One module per feedback format; ``registry.DETECTORS`` orders them."""
