"""The normalization page: BN, LN, IN and GN as shaded sets of the NCHW cube, on real numbers."""
