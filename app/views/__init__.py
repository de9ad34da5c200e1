"""The pages of the main window, one module each, and the widgets they share."""
