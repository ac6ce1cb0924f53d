"""motcua: queue tickets, calling, voice and satisfaction ratings for Vietnam's
one-stop Public Administration Service Centres.

Layers (docs/architecture.md): ``core`` at the bottom; device I/O (``link``, ``qt``,
``serialio``) above it; the programs (``hub``, ``kiosk``, ``display``, ``counter``,
``rating``, ``printer``, ``voice``, ``manager``, ``province``, ``reports``) above those;
tooling (``simulate``, ``demo``) and the ``cli`` entry point on top.
"""
