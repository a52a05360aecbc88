print("candor")
