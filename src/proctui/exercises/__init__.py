"""Exercise files shipped with proctui (``proctui practice --file``): examples for teachers."""
