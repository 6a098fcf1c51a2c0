"""Decision trees: the model, YAML loading, lint, the conversation engine, scenarios, graphs."""
