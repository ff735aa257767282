"""The domain of CJeune de Provence: pure Python, no Reflex import below this folder."""
