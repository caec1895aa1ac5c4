"""ttkbootstrap only. Screens call services; they never build a query."""
