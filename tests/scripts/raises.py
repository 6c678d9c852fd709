def fail():
    raise ValueError("raised on purpose")


fail()
