line = input("say something: ")
print("got", line)
