function [f, dF] = scaledDerivative(fun, x, s)
% [f, dF] = scaledDerivative(fun, x, s): f and s*dF of [f, dF] = fun(x), dF a
% gradient or a Jacobian matrix; s = 1.01 makes the deliberately wrong
% derivative the Octave cross-checks of checkDerivative must fail.
[f, dF] = fun(x);
dF = s*dF;
end
