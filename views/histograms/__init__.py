"""The activation-histogram page: a deep net trained live with and without normalization, init lab, batch sizes."""
