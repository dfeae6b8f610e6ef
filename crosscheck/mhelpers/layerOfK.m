function [Z, JK] = layerOfK(K, b, Y)
% [Z, JK] = layerOfK(K, b, Y): the layer and its Jacobian mat-vec w.r.t. K, as a
% function of K alone (for checkDerivative); used by the Octave cross-checks.
[Z, ~, ~, ~, JK] = singleLayer(K, b, Y);
end
