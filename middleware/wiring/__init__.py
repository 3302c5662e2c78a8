"""The composition root: builds every component of a process from Settings, in the order the code shows."""
