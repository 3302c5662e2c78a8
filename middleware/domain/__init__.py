"""Domain values and rules: plain Python, no framework imports."""
