def caught():
    try:
        raise ValueError("caught here")
    except ValueError:
        pass
    return 5


caught()
