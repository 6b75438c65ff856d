Console.Error.WriteLine("bench: not written yet");
return 1;
