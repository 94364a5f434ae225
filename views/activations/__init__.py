"""Activations & inputs: what each nonlinearity does to its input, and why inputs are centred and whitened."""
