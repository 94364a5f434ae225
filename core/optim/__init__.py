"""Optimizer trajectories on 2-D surfaces: torch.optim's rules, one module per family, and what runs them.

The public entry points are re-exported by ``core.optimizers`` (run, run_batch, sweep, OPTIMIZERS); see README.
"""
