"""Training dynamics: descent variants, reading the learning rate, dropout, ensembles, gradient checking."""
