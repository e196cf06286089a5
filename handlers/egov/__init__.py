"""e-Gov (システム4): its simulator, the intake of its application packages and the 電子通知書 sent back."""
