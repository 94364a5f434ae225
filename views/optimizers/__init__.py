"""The optimizer page: torch.optim's rules racing on 2-D surfaces (page.py is the script st.Page runs)."""
