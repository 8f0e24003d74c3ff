from reducer.cli import main

main(prog_name="reducer")
