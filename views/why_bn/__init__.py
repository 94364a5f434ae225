"""Why does batch norm help? Optimizers on a real net with its loss landscape, Santurkar et al.'s smoothness and
noisy-BN experiments (views/why_bn/page.py is the script)."""
