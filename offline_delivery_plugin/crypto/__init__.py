"""
The cryptography of offline delivery: exam key pairs and their protection at rest (``keys``), the delivery file
format (``envelope``) and the offline password verifier (``verifier``). Format and choices: docs/delivery-file.rst
and the ADRs 0004-0006.
"""
